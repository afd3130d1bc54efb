"""Macros under /api/v1/: parse, call one service or selector, render."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from atiende.api.ids import IdField
from atiende.api.views import ApiView
from atiende.tickets.selectors import ticket_get

from . import selectors, services
from .models import Macro


def macro_data(macro: Macro) -> dict:
    return {
        "id": macro.pk, "name": macro.name, "scope": "team" if macro.team_id else "personal",
        "team": macro.team_id, "owner": macro.owner_id, "reply": dict(macro.replies), "note": macro.note,
        "actions": dict(macro.actions), "usage_count": macro.usage_count,
        "last_used_at": macro.last_used_at.isoformat() if macro.last_used_at else None,
        "created_at": macro.created_at.isoformat(), "updated_at": macro.updated_at.isoformat(),
    }


def plan_data(plan: services.MacroPlan) -> dict:
    changes = {key: getattr(value, "pk", value) for key, value in plan.changes.items()}
    return {"ticket": plan.ticket.pk, "language": plan.language, "reply": plan.reply, "note": plan.note,
            "changes": changes, "tags_added": plan.tags_added, "tags_removed": plan.tags_removed}


class MacroInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    team = IdField(required=False, allow_null=True, help_text="A team's macro (supervisors, admins); omit for your own.")
    reply = serializers.JSONField(required=False, default=dict, help_text='{"es-mx": "Hola {{ customer.first_name }}", "en": "…"}')
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=services.MAX_TEXT)
    actions = serializers.JSONField(required=False, default=dict, help_text="status, priority, type, team (id), "
                                    "assignee (id or \"me\"), add_tags, remove_tags (names)")


class ApplyInput(serializers.Serializer):
    ticket = IdField(help_text="Id of the ticket.")


class MacroListView(ApiView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        return Response({"results": [macro_data(m) for m in selectors.macro_list(user=request.user)]})

    @extend_schema(request=MacroInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = MacroInput(data=request.data)
        data.is_valid(raise_exception=True)
        macro = services.macro_create(actor=request.user, **data.validated_data)
        return Response(macro_data(selectors.macro_get(user=request.user, macro_id=macro.pk)), status=201)


class MacroDetailView(ApiView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, macro_id: int) -> Response:
        return Response(macro_data(selectors.macro_get(user=request.user, macro_id=macro_id)))

    @extend_schema(request=MacroInput, responses=OpenApiTypes.OBJECT)
    def patch(self, request: Request, macro_id: int) -> Response:
        macro = selectors.macro_get(user=request.user, macro_id=macro_id)
        data = MacroInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = {key: value for key, value in data.validated_data.items() if key in request.data}
        services.macro_update(actor=request.user, macro=macro, changes=changes)
        return Response(macro_data(selectors.macro_get(user=request.user, macro_id=macro_id)))

    def delete(self, request: Request, macro_id: int) -> Response:
        services.macro_delete(actor=request.user, macro=selectors.macro_get(user=request.user, macro_id=macro_id))
        return Response(status=204)


class MacroPreviewView(ApiView):
    @extend_schema(request=ApplyInput, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, macro_id: int) -> Response:
        macro = selectors.macro_get(user=request.user, macro_id=macro_id)
        data = ApplyInput(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = ticket_get(user=request.user, ticket_id=data.validated_data["ticket"])
        return Response(plan_data(services.macro_preview(actor=request.user, ticket=ticket, macro=macro)))


class MacroApplyView(ApiView):
    @extend_schema(request=ApplyInput, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, macro_id: int) -> Response:
        macro = selectors.macro_get(user=request.user, macro_id=macro_id)
        data = ApplyInput(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = ticket_get(user=request.user, ticket_id=data.validated_data["ticket"])
        result = services.macro_apply(actor=request.user, ticket=ticket, macro=macro)
        return Response({**plan_data(result.plan), "reply_message": result.reply.pk if result.reply else None,
                         "note_message": result.note.pk if result.note else None})
