"""Triggers and time rules in the workspace (administrators only; everyone else gets a 404): the
list with one-click enable/disable, the editor (conditions and actions as JSON, each problem
named by its spot), the dry run, and each rule's history of runs."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atiende.accounts.permissions import is_admin
from atiende.automation import selectors as rules
from atiende.automation import services as rule_services
from atiende.automation.models import Event, Since, TimeRule, Trigger
from atiende.core.exceptions import DomainError, Forbidden, NotFound
from atiende.sla.models import Calendar
from atiende.tickets.status import TicketStatus

from .rule_forms import as_text, rule_values
from .views import agent_required

MODELS: dict[str, type[Trigger] | type[TimeRule]] = {"trigger": Trigger, "time_rule": TimeRule}


def _admin_only(request: HttpRequest) -> None:
    if not is_admin(request.user):
        raise Http404()


def _rule(request: HttpRequest, kind: str, rule_id: int) -> Trigger | TimeRule:
    try:
        return rules.rule_get(user=request.user, model=MODELS[kind], rule_id=rule_id)
    except (Forbidden, NotFound):
        raise Http404() from None


def _editor(request: HttpRequest, kind: str, rule: Trigger | TimeRule | None, *, data: dict[str, Any] | None = None,
            errors: dict[str, str] | None = None, matches: list | None = None, status: int = 200) -> HttpResponse:
    source = data if data is not None else {
        field: getattr(rule, field) for field in ("name", "active", "position", "conditions", "actions", "event",
                                                  "stop_processing", "status", "since", "after_minutes")
        if rule is not None and hasattr(rule, field)}
    form = {**source, "conditions": as_text(source.get("conditions") or {}), "actions": as_text(source.get("actions") or [])}
    if rule is None and data is None:
        form.update(active=True, actions="[]")
    calendar = source.get("calendar") if data is not None else getattr(rule, "calendar", None)
    prefix = f"workspace:{kind.replace('_', '-')}"
    context = {"kind": kind, "rule": rule, "url_save": f"{prefix}-edit" if rule else f"{prefix}-new",
               "url_dry_run": f"{prefix}-dry-run", "form": form, "errors": errors or {}, "matches": matches,
               "runs": rules.rule_runs(rule) if rule is not None else [], "events": Event.choices,
               "statuses": TicketStatus.choices, "sinces": Since.choices,
               "calendars": Calendar.objects.order_by("name"), "calendar_id": getattr(calendar, "pk", None)}
    return render(request, "workspace/rule_edit.html", context, status=status)


@agent_required
@require_GET
def rules_view(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    return render(request, "workspace/rules.html", {"triggers": rules.trigger_list(), "time_rules": rules.time_rule_list()})


@agent_required
@require_http_methods(["GET", "POST"])
def rule_new_view(request: HttpRequest, kind: str) -> HttpResponse:
    _admin_only(request)
    if request.method == "GET":
        return _editor(request, kind, None)
    return _save(request, kind, None)


@agent_required
@require_http_methods(["GET", "POST"])
def rule_edit_view(request: HttpRequest, kind: str, rule_id: int) -> HttpResponse:
    _admin_only(request)
    rule = _rule(request, kind, rule_id)
    if request.method == "GET":
        return _editor(request, kind, rule)
    return _save(request, kind, rule)


def _save(request: HttpRequest, kind: str, rule: Trigger | TimeRule | None) -> HttpResponse:
    values, errors = rule_values(MODELS[kind], request.POST)
    if not errors:
        try:
            if rule is None:
                rule = rule_services.rule_create(actor=request.user, model=MODELS[kind], values=dict(values))
            else:
                rule_services.rule_update(actor=request.user, rule=rule, changes=dict(values))
        except DomainError as error:
            errors = {key: str(text) for key, text in error.fields.items()} or {"": str(error.message or error.code)}
    if errors:
        return _editor(request, kind, rule, data=values, errors=errors, status=400)
    messages.success(request, _("Rule saved."))
    return redirect(f"workspace:{kind.replace('_', '-')}-edit", rule_id=rule.pk)


@agent_required
@require_POST
def rule_toggle_view(request: HttpRequest, kind: str, rule_id: int) -> HttpResponse:
    _admin_only(request)
    rule = _rule(request, kind, rule_id)
    rule_services.rule_update(actor=request.user, rule=rule, changes={"active": not rule.active})
    messages.success(request, _("Rule enabled.") if rule.active else _("Rule disabled."))
    return redirect("workspace:rules")


@agent_required
@require_POST
def rule_dry_run_view(request: HttpRequest, kind: str, rule_id: int) -> HttpResponse:
    _admin_only(request)
    rule = _rule(request, kind, rule_id)
    return _editor(request, kind, rule, matches=rule_services.rule_dry_run(actor=request.user, rule=rule))
