"""Agents copied on a ticket's emails (being copied grants nothing until a staff agent confirms):
GET /api/v1/tickets/{id}/copied/, POST …/copied/{copied_id}/confirm/ and …/copied/{copied_id}/dismiss/.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from atiende.api.views import ApiView

from . import selectors, services
from .models import CopiedAgent
from .serializers import RefSerializer


class CopiedAgentSerializer(serializers.ModelSerializer):
    agent = RefSerializer(read_only=True)
    decided_by = RefSerializer(read_only=True, allow_null=True)
    copied_by = serializers.CharField(read_only=True, help_text="The sender's address, as written: it proves nothing.")

    class Meta:
        model = CopiedAgent
        fields = ["id", "agent", "copied_by", "message", "state", "created_at", "decided_by", "decided_at"]
        read_only_fields = fields


class CopiedAgentListView(ApiView):
    @extend_schema(responses=CopiedAgentSerializer(many=True))
    def get(self, request: Request, ticket_id: int) -> Response:
        ticket = selectors.ticket_get(user=request.user, ticket_id=ticket_id)
        rows = selectors.copied_agent_list(user=request.user, ticket=ticket)
        return Response({"results": CopiedAgentSerializer(rows, many=True).data})


class CopiedAgentConfirmView(ApiView):
    """Add the copied agent as a collaborator: staff agents who may change the ticket."""

    @extend_schema(request=None, responses=CopiedAgentSerializer)
    def post(self, request: Request, ticket_id: int, copied_id: int) -> Response:
        ticket = selectors.ticket_get(user=request.user, ticket_id=ticket_id)
        copied = services.ticket_copied_agent_confirm(actor=request.user, ticket=ticket, copied_id=copied_id)
        return Response(CopiedAgentSerializer(copied).data)


class CopiedAgentDismissView(ApiView):
    """Decline the copied agent: not added, and not asked about again for this ticket."""

    @extend_schema(request=None, responses=CopiedAgentSerializer)
    def post(self, request: Request, ticket_id: int, copied_id: int) -> Response:
        ticket = selectors.ticket_get(user=request.user, ticket_id=ticket_id)
        copied = services.ticket_copied_agent_dismiss(actor=request.user, ticket=ticket, copied_id=copied_id)
        return Response(CopiedAgentSerializer(copied).data)
