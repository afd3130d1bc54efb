"""SLA policies, attainment and a ticket's SLA under /api/v1/."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from atiende.api.params import check_span, instant_param
from atiende.api.views import ApiView
from atiende.core import clock
from atiende.core.exceptions import Invalid
from atiende.tickets.facts import fact_choices
from atiende.tickets.permissions import sees_internal
from atiende.tickets.selectors import ticket_get

from . import selectors
from .api import supported_instant
from .calendar import CalendarError
from .models import Clock, Policy
from .services import policies as services
from .services.policies import ACTION_FLAGS, ID_CONDITIONS, LIST_CONDITIONS

# The attainment table reads every clock in its range: a year at most per request.
MAX_ATTAINMENT_DAYS = 366


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def policy_data(policy: Policy) -> dict:
    conditions = {name: list(getattr(policy, name)) for name in LIST_CONDITIONS}
    conditions.update({name: sorted(obj.pk for obj in getattr(policy, name).all()) for name in ID_CONDITIONS})
    conditions.update({name: list(policy.facts.get(name, [])) for name in fact_choices()})
    return {
        "id": policy.pk,
        "name": policy.name,
        "position": policy.position,
        "active": policy.active,
        "conditions": conditions,
        "targets": {
            target.metric: {"minutes": target.minutes, "calendar": target.calendar_id} for target in policy.targets.all()
        },
        "actions": {"warn_at_percent": policy.warn_at_percent, **{flag: getattr(policy, flag) for flag in ACTION_FLAGS}},
        "created_at": _iso(policy.created_at),
        "updated_at": _iso(policy.updated_at),
    }


class PolicyInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    position = serializers.IntegerField(required=False, default=0)
    active = serializers.BooleanField(required=False, default=True)
    conditions = serializers.JSONField(required=False, default=dict, help_text="support_plans, segments, priorities, "
                                       "types, channels, organizations, and ticket facts such as warranty "
                                       "(standard, extended, expired, none): lists; empty matches anything.")
    targets = serializers.JSONField(help_text='{"first_response": {"minutes": 60, "calendar": 2}, …}')
    actions = serializers.JSONField(required=False, default=dict, help_text="warn_at_percent and the on-breach flags.")


class PolicyListView(ApiView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        return Response({"results": [policy_data(p) for p in selectors.policy_list(user=request.user)]})

    @extend_schema(request=PolicyInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = PolicyInput(data=request.data)
        data.is_valid(raise_exception=True)
        policy = services.policy_create(actor=request.user, **data.validated_data)
        return Response(policy_data(selectors.policy_get(user=request.user, policy_id=policy.pk)), status=201)


class PolicyDetailView(ApiView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, policy_id: int) -> Response:
        return Response(policy_data(selectors.policy_get(user=request.user, policy_id=policy_id)))

    @extend_schema(request=PolicyInput, responses=OpenApiTypes.OBJECT)
    def patch(self, request: Request, policy_id: int) -> Response:
        policy = selectors.policy_get(user=request.user, policy_id=policy_id)
        data = PolicyInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = {key: value for key, value in data.validated_data.items() if key in request.data}
        services.policy_update(actor=request.user, policy=policy, changes=changes)
        return Response(policy_data(selectors.policy_get(user=request.user, policy_id=policy_id)))

    def delete(self, request: Request, policy_id: int) -> Response:
        services.policy_delete(actor=request.user, policy=selectors.policy_get(user=request.user, policy_id=policy_id))
        return Response(status=204)


class PolicyPreviewView(ApiView):
    @extend_schema(parameters=[OpenApiParameter("arrival", str, description="ISO 8601; default now")],
                   responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, policy_id: int) -> Response:
        policy = selectors.policy_get(user=request.user, policy_id=policy_id)
        arrival = supported_instant(instant_param(request, "arrival", clock.now()), field="arrival")
        try:
            due = selectors.policy_preview(policy, arrival)
        except CalendarError as exc:
            raise Invalid(fields={"arrival": str(exc)}) from None
        return Response({"arrival": arrival.isoformat(), "due": {metric: when.isoformat() for metric, when in due.items()}})


class AttainmentView(ApiView):
    @extend_schema(
        parameters=[
            OpenApiParameter("group_by", str, enum=list(selectors.ATTAINMENT_GROUPS)),
            OpenApiParameter("since", str, description="ISO 8601; default 30 days ago"),
            OpenApiParameter("until", str, description="ISO 8601; default now"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        group_by = request.query_params.get("group_by", "policy")
        if group_by not in selectors.ATTAINMENT_GROUPS:
            raise Invalid(fields={"group_by": _("Use policy, team or agent.")})
        now = clock.now()
        until = instant_param(request, "until", now)
        since = instant_param(request, "since", until - timedelta(days=30))
        check_span(since, until, max_days=MAX_ATTAINMENT_DAYS, field="since")
        rows = selectors.attainment(user=request.user, group_by=group_by, since=since, until=until)
        return Response({
            "group_by": group_by, "since": since.isoformat(), "until": until.isoformat(),
            "results": [
                {"id": row.key, "name": row.name, "metric": row.metric, "met": row.met, "breached": row.breached,
                 "percent": row.percent}
                for row in rows
            ],
        })


def clock_data(item: Clock, now: datetime) -> dict:
    return {
        "metric": item.metric,
        "state": item.state,
        "result": item.result or None,
        "policy": {"id": item.policy_id, "name": item.policy.name} if item.policy else None,
        "calendar": {"id": item.calendar_id, "name": item.calendar.name},
        "target_minutes": item.target_minutes,
        "business_minutes": round(selectors.clock_minutes_used(item, now), 2),
        "started_at": _iso(item.started_at),
        "due_at": _iso(item.due_at),
        "breached_at": _iso(item.breached_at),
        "stopped_at": _iso(item.stopped_at),
    }


class TicketSlaView(ApiView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, ticket_id: int) -> Response:
        ticket = ticket_get(user=request.user, ticket_id=ticket_id)
        now = clock.now()
        promise = selectors.customer_promise(ticket=ticket, now=now)
        body: dict = {
            "promise": promise and {
                "expected_by": promise.expected_by.isoformat(), "opens_at": _iso(promise.opens_at), "text": promise.text,
            },
        }
        if sees_internal(request.user):
            body["state"] = selectors.badge_state(ticket, now)
            body["clocks"] = [clock_data(item, now) for item in selectors.ticket_clocks(ticket=ticket)]
        return Response(body)
