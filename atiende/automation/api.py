"""Rule endpoints: /api/v1/triggers/ and /api/v1/time-rules/ (admins only), with dry runs."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from atiende.accounts.permissions import is_admin
from atiende.api.ids import IdField
from atiende.api.views import ApiView
from atiende.core.exceptions import Forbidden, Invalid

from . import selectors, services
from .models import Event, Since, TimeRule, Trigger


class TriggerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Trigger
        fields = ["id", "name", "event", "active", "position", "stop_processing", "conditions", "actions", "problem",
                  "created_at", "updated_at"]


class TimeRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = TimeRule
        fields = ["id", "name", "active", "position", "status", "since", "after_minutes", "calendar", "conditions",
                  "actions", "problem", "created_at", "updated_at"]


class RuleInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    active = serializers.BooleanField(required=False, default=True)
    position = serializers.IntegerField(required=False, default=0, min_value=-1_000_000, max_value=1_000_000)
    conditions = serializers.JSONField(required=False, default=dict)
    actions = serializers.JSONField()


class TriggerInput(RuleInput):
    event = serializers.ChoiceField(choices=Event.choices)
    stop_processing = serializers.BooleanField(required=False, default=False)


class TimeRuleInput(RuleInput):
    status = serializers.CharField(required=False, allow_blank=True, default="", max_length=20)
    since = serializers.ChoiceField(choices=Since.choices, required=False, default=Since.UPDATED)
    after_minutes = serializers.IntegerField(min_value=1, max_value=366 * 24 * 60)
    calendar = IdField(required=False, allow_null=True, default=None)


DryRunSerializer = inline_serializer("RuleDryRun", fields={
    "matches": serializers.ListField(child=serializers.DictField()),
})

KINDS = {
    "trigger": (Trigger, TriggerSerializer, TriggerInput),
    "time_rule": (TimeRule, TimeRuleSerializer, TimeRuleInput),
}


def _admin(request: Request) -> None:
    if not is_admin(request.user):
        raise Forbidden()


def _get(model, rule_id: int, user):
    return selectors.rule_get(user=user, model=model, rule_id=rule_id)


def _values(data: dict, given: dict) -> dict:
    values = {key: value for key, value in data.items() if key in given}
    if values.get("calendar") is not None:
        from atiende.sla.models import Calendar

        calendar = Calendar.objects.filter(pk=values["calendar"]).first()
        if calendar is None:
            raise Invalid(fields={"calendar": _("Unknown calendar.")})
        values["calendar"] = calendar
    return values


class _ListView(ApiView):
    kind = "trigger"

    def get(self, request: Request) -> Response:
        _admin(request)
        model, serializer, _input = KINDS[self.kind]
        return Response({"results": serializer(model.objects.order_by("position", "id"), many=True).data})

    def post(self, request: Request) -> Response:
        _admin(request)
        model, serializer, rule_input = KINDS[self.kind]
        data = rule_input(data=request.data)
        data.is_valid(raise_exception=True)
        rule = services.rule_create(actor=request.user, model=model, values=_values(data.validated_data, data.validated_data))
        return Response(serializer(rule).data, status=201)


class _DetailView(ApiView):
    kind = "trigger"

    def get(self, request: Request, rule_id: int) -> Response:
        _admin(request)
        model, serializer, _input = KINDS[self.kind]
        return Response(serializer(_get(model, rule_id, request.user)).data)

    def patch(self, request: Request, rule_id: int) -> Response:
        _admin(request)
        model, serializer, rule_input = KINDS[self.kind]
        rule = _get(model, rule_id, request.user)
        data = rule_input(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        rule = services.rule_update(actor=request.user, rule=rule, changes=_values(data.validated_data, request.data))
        return Response(serializer(rule).data)

    def delete(self, request: Request, rule_id: int) -> Response:
        _admin(request)
        services.rule_delete(actor=request.user, rule=_get(KINDS[self.kind][0], rule_id, request.user))
        return Response(status=204)


class _DryRunView(ApiView):
    kind = "trigger"

    def post(self, request: Request, rule_id: int) -> Response:
        _admin(request)
        rule = _get(KINDS[self.kind][0], rule_id, request.user)
        return Response({"matches": services.rule_dry_run(actor=request.user, rule=rule)})


def _documented(view: type[ApiView], kind: str, name: str) -> type[ApiView]:
    _model, serializer, rule_input = KINDS[kind]
    attrs: dict = {"kind": kind, "__doc__": view.__doc__}
    for method in ("get", "post", "patch", "delete"):
        if hasattr(view, method):
            func = getattr(view, method)
            if view is _DryRunView:
                schema = extend_schema(request=None, responses=DryRunSerializer)
            elif method == "get" and view is _ListView:
                schema = extend_schema(responses=serializer(many=True))
            elif method in ("post", "patch"):
                schema = extend_schema(request=rule_input, responses={201 if method == "post" else 200: serializer})
            else:
                schema = extend_schema(responses=serializer if method == "get" else None)

            def bound(self, *args, _func=func, **kwargs):
                return _func(self, *args, **kwargs)

            bound.__name__ = method
            attrs[method] = schema(bound)
    return type(name, (view,), attrs)


TriggerListView = _documented(_ListView, "trigger", "TriggerListView")
TriggerDetailView = _documented(_DetailView, "trigger", "TriggerDetailView")
TriggerDryRunView = _documented(_DryRunView, "trigger", "TriggerDryRunView")
TimeRuleListView = _documented(_ListView, "time_rule", "TimeRuleListView")
TimeRuleDetailView = _documented(_DetailView, "time_rule", "TimeRuleDetailView")
TimeRuleDryRunView = _documented(_DryRunView, "time_rule", "TimeRuleDryRunView")
