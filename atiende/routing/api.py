"""Escalation and consultation endpoints under /api/v1/: parse, call one service or selector, render."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from atiende.accounts.models import Team, User
from atiende.api.views import ApiView
from atiende.core.exceptions import Invalid
from atiende.tickets import selectors as ticket_selectors

from . import selectors, services
from .models import Consultation


class EscalateInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class EscalationSerializer(serializers.Serializer):
    ticket = serializers.IntegerField()
    team = serializers.IntegerField(allow_null=True)
    tier = serializers.IntegerField()
    assignee = serializers.IntegerField(allow_null=True)


class ConsultationInput(serializers.Serializer):
    question = serializers.CharField(max_length=5000)
    agent = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
    team = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
    minutes = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=14400)


class AnswerInput(serializers.Serializer):
    answer = serializers.CharField(max_length=20_000)


class ConsultationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Consultation
        fields = ["id", "ticket", "asked_by", "asked_agent", "asked_team", "question", "created_at", "due_at",
                  "promise_at", "reminded_at", "breached_at", "answer", "answered_by", "answered_at"]


class TicketEscalateView(ApiView):
    @extend_schema(request=EscalateInput, responses=EscalationSerializer,
                   description="Hand the ticket to its team's next tier with a reason (409 when there is none).")
    def post(self, request: Request, ticket_id: int) -> Response:
        ticket = ticket_selectors.ticket_get(user=request.user, ticket_id=ticket_id)
        data = EscalateInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.ticket_escalate(actor=request.user, ticket=ticket, reason=data.validated_data["reason"])
        return Response({"ticket": result.ticket.pk, "team": result.ticket.team_id, "tier": result.tier,
                         "assignee": result.ticket.assignee_id})


def _asked(data: dict) -> tuple[User | None, Team | None]:
    agent = team = None
    if data.get("agent") is not None:
        agent = User.objects.filter(pk=data["agent"], kind="agent", is_active=True).first()
        if agent is None:
            raise Invalid(fields={"agent": _("Unknown agent.")})
    if data.get("team") is not None:
        team = Team.objects.filter(pk=data["team"]).first()
        if team is None:
            raise Invalid(fields={"team": _("Unknown team.")})
    return agent, team


class TicketConsultationsView(ApiView):
    @extend_schema(responses=ConsultationSerializer(many=True))
    def get(self, request: Request, ticket_id: int) -> Response:
        ticket = ticket_selectors.ticket_get(user=request.user, ticket_id=ticket_id)
        rows = selectors.consultation_list_for_ticket(user=request.user, ticket=ticket)
        return Response({"results": ConsultationSerializer(rows, many=True).data})

    @extend_schema(request=ConsultationInput, responses={201: ConsultationSerializer})
    def post(self, request: Request, ticket_id: int) -> Response:
        ticket = ticket_selectors.ticket_get(user=request.user, ticket_id=ticket_id)
        data = ConsultationInput(data=request.data)
        data.is_valid(raise_exception=True)
        agent, team = _asked(data.validated_data)
        consultation = services.consultation_open(
            actor=request.user, ticket=ticket, question=data.validated_data["question"], agent=agent, team=team,
            minutes=data.validated_data.get("minutes"),
        )
        return Response(ConsultationSerializer(consultation).data, status=201)


class ConsultationAnswerView(ApiView):
    @extend_schema(request=AnswerInput, responses=ConsultationSerializer)
    def post(self, request: Request, consultation_id: int) -> Response:
        data = AnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        consultation = services.consultation_answer(
            actor=request.user, consultation_id=consultation_id, answer=data.validated_data["answer"])
        return Response(ConsultationSerializer(consultation).data)
