"""Maintenance plans under /api/v1/maintenance-plans/ (staff: create, change, pause, delete;
customers: read their own and their organization's) and a plan's visits. Parse, call one service
or selector, render; the services check every value."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from atiende.api.ids import IdField, id_param
from atiende.api.pagination import keyset_page
from atiende.api.views import ApiView
from atiende.core.exceptions import Invalid

from . import selectors, services
from .models import MaintenancePlan, MaintenanceVisit, RecurrenceUnit


def _day(value) -> str | None:
    return value.isoformat() if value else None


def plan_data(plan: MaintenancePlan) -> dict:
    return {"id": plan.pk, "name": plan.name, "asset": plan.asset_id, "organization": plan.organization_id,
            "contact": plan.contact_id, "team": plan.team_id, "team_name": plan.team.name, "unit": plan.unit,
            "interval": plan.interval, "rule": plan.rule, "starts_on": plan.starts_on.isoformat(),
            "lead_days": plan.lead_days, "checklist": list(plan.checklist), "active": plan.active,
            "next_due_on": _day(plan.next_due_on), "opens_on": _day(plan.opens_on)}


def visit_data(visit: MaintenanceVisit) -> dict:
    return {"id": visit.pk, "plan": visit.plan_id, "due_on": visit.due_on.isoformat(), "ticket": visit.ticket_id,
            "status": visit.status, "missed": list(visit.missed),
            "checklist": [{"text": item["text"], "done": item["done"]} for item in visit.checklist],
            "completed_at": visit.completed_at.isoformat() if visit.completed_at else None}


def _given(request: Request) -> dict[str, Any]:
    if not isinstance(request.data, dict):
        raise Invalid(_("Send a JSON object."))
    return {key: request.data[key] for key in services.PLAN_FIELDS if key in request.data}


def _active_param(request: Request) -> bool | None:
    raw = request.query_params.get("active", "").lower()
    if raw not in ("", "true", "false"):
        raise Invalid(fields={"active": _("Use true or false.")})
    return None if raw == "" else raw == "true"


class PlanInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    asset = IdField(required=False, allow_null=True, help_text="The asset visited, or:")
    organization = IdField(required=False, allow_null=True, help_text="the whole organization.")
    contact = IdField(required=False, allow_null=True, help_text="Who is told; default the owner or org admin.")
    team = IdField()
    unit = serializers.ChoiceField(choices=RecurrenceUnit.choices)
    interval = serializers.IntegerField(min_value=1, required=False)
    rule = serializers.CharField(required=False, help_text="An RRULE when unit is rrule, e.g. FREQ=MONTHLY;BYMONTHDAY=-1")
    starts_on = serializers.DateField()
    lead_days = serializers.IntegerField(min_value=0, max_value=365, required=False)
    checklist = serializers.ListField(child=serializers.CharField(), required=False)
    active = serializers.BooleanField(required=False)


class PlanListView(ApiView):
    @extend_schema(parameters=[OpenApiParameter("asset", int), OpenApiParameter("organization", int),
                               OpenApiParameter("active", bool), OpenApiParameter("cursor", str),
                               OpenApiParameter("page_size", int)], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        plans = selectors.plan_list(user=request.user, asset=id_param(request, "asset"),
                                    organization=id_param(request, "organization"), active=_active_param(request))
        rows, next_url = keyset_page(plans, request, ordering="id", is_datetime=False)
        return Response({"results": [plan_data(p) for p in rows], "next": next_url})

    @extend_schema(request=PlanInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        plan = services.plan_create(actor=request.user, **_given(request))
        return Response(plan_data(selectors.plan_get(user=request.user, plan_id=plan.pk)), status=201)


class PlanDetailView(ApiView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, plan_id: int) -> Response:
        return Response(plan_data(selectors.plan_get(user=request.user, plan_id=plan_id)))

    @extend_schema(request=PlanInput, responses=OpenApiTypes.OBJECT)
    def patch(self, request: Request, plan_id: int) -> Response:
        plan = selectors.plan_get(user=request.user, plan_id=plan_id)
        services.plan_update(actor=request.user, plan=plan, changes=_given(request))
        return Response(plan_data(selectors.plan_get(user=request.user, plan_id=plan_id)))

    def delete(self, request: Request, plan_id: int) -> Response:
        services.plan_delete(actor=request.user, plan=selectors.plan_get(user=request.user, plan_id=plan_id))
        return Response(status=204)


class PlanVisitsView(ApiView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, plan_id: int) -> Response:
        plan = selectors.plan_get(user=request.user, plan_id=plan_id)
        return Response({"results": [visit_data(v) for v in plan.visits.order_by("-due_on", "-id")[:100]]})
