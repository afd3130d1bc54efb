"""`/api/v1/calls/`: agents log calls and list a number's calls; `/api/v1/calls/events/`: a
telephony system reports incoming calls (ringing, answered, ended) with its own bearer token."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.authentication import get_authorization_header
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from atiende.api.ids import IdField
from atiende.api.pagination import keyset_page
from atiende.api.views import ApiView
from atiende.core.exceptions import Unauthenticated

from . import selectors, services
from .models import Call, CallState, Direction, Outcome


class CallSerializer(serializers.ModelSerializer):
    class Meta:
        model = Call
        fields = ["id", "phone", "direction", "state", "outcome", "started_at", "answered_at", "duration_seconds",
                  "notes", "customer", "agent", "ticket", "message", "external_id", "created_at"]


class CallInput(serializers.Serializer):
    phone = serializers.CharField(max_length=64)
    direction = serializers.ChoiceField(choices=Direction.choices)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    started_at = serializers.DateTimeField(required=False)
    duration_seconds = serializers.IntegerField(required=False, default=0, min_value=0, max_value=services.MAX_SECONDS)
    notes = serializers.CharField(required=False, default="", allow_blank=True, max_length=services.MAX_NOTES)
    ticket = IdField(required=False, allow_null=True)
    call_id = serializers.CharField(required=False, default="", allow_blank=True, max_length=services.MAX_CALL_ID)
    name = serializers.CharField(required=False, default="", allow_blank=True, max_length=200)


class CallListView(ApiView):
    @extend_schema(parameters=[OpenApiParameter("phone", str)], responses=CallSerializer(many=True))
    def get(self, request: Request) -> Response:
        calls = selectors.call_list(user=request.user, phone=request.query_params.get("phone") or None)
        rows, next_url = keyset_page(calls, request, ordering="-started_at", is_datetime=True)
        return Response({"results": CallSerializer(rows, many=True).data, "next": next_url})

    @extend_schema(request=CallInput, responses={201: CallSerializer, 200: CallSerializer})
    def post(self, request: Request) -> Response:
        selectors.call_list(user=request.user)  # 403 before the input is read
        data = CallInput(data=request.data)
        data.is_valid(raise_exception=True)
        given = data.validated_data
        logged = services.call_log(
            actor=request.user, phone=given["phone"], direction=given["direction"], outcome=given["outcome"],
            started_at=given.get("started_at"), duration_seconds=given["duration_seconds"], notes=given["notes"],
            ticket_id=given.get("ticket"), call_id=given["call_id"], name=given["name"],
        )
        return Response(CallSerializer(logged.call).data, status=200 if logged.duplicate else 201)


class CallEventInput(serializers.Serializer):
    event = serializers.ChoiceField(choices=CallState.choices)
    call_id = serializers.CharField(max_length=services.MAX_CALL_ID)
    # "from" is a Python keyword: the field is declared below under its JSON name.
    to = serializers.CharField(required=False, default="", allow_blank=True, max_length=64)
    extension = serializers.CharField(required=False, default="", allow_blank=True, max_length=32)
    agent = serializers.EmailField(required=False, default="", allow_blank=True)
    duration_seconds = serializers.IntegerField(required=False, min_value=0, max_value=services.MAX_SECONDS)
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False, default="", allow_blank=True)


CallEventInput._declared_fields["from"] = serializers.CharField(required=False, default="", allow_blank=True,
                                                                max_length=64)


# Deliberately not ApiView: a telephony system is no user; its bearer token names the system.
class CallEventView(APIView):
    authentication_classes: list = []
    permission_classes: list = []

    @extend_schema(request=CallEventInput, responses={200: CallSerializer, 201: CallSerializer},
                   parameters=[OpenApiParameter("Authorization", str, OpenApiParameter.HEADER, required=True,
                                                description="Bearer <token of the telephony system>")])
    def post(self, request: Request) -> Response:
        system = _system(request)
        data = CallEventInput(data=request.data)
        data.is_valid(raise_exception=True)
        given = data.validated_data
        call, duplicate = services.call_event_receive(
            system=system, event=given["event"], call_id=given["call_id"], from_number=given["from"],
            extension=given["extension"], agent_email=given["agent"], duration_seconds=given.get("duration_seconds"),
            outcome=given["outcome"],
        )
        return Response({"id": call.pk, "state": call.state, "duplicate": duplicate}, status=200 if duplicate else 201)


def _system(request: Request):
    scheme, _sep, token = get_authorization_header(request).decode("latin-1").partition(" ")
    system = selectors.system_for_token(token.strip()) if scheme.lower() == "bearer" else None
    if system is None:
        raise Unauthenticated(_("Send the telephony system's token as Authorization: Bearer <token>."))
    return system
