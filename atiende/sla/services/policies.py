"""Writes for SLA policies: validated once here for the API and the Django admin alike."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from atiende.accounts.models import User
from atiende.core import clock
from atiende.core.audit import audit_record, state_of
from atiende.core.db import is_id, unique_or_conflict
from atiende.core.exceptions import Forbidden, Invalid
from atiende.core.jobs import enqueue_after_commit
from atiende.customers.models import Organization, Segment, SupportPlan
from atiende.tickets.facts import fact_choices
from atiende.tickets.models import Channel, Priority, TicketType

from ..models import MAX_TARGET_MINUTES, Calendar, Metric, Policy, Target
from ..permissions import can_edit_policies
from .clocks import Reason

LIST_CONDITIONS = {
    "segments": Segment.values, "priorities": Priority.values, "types": TicketType.values, "channels": Channel.values,
}
ID_CONDITIONS = {"support_plans": SupportPlan, "organizations": Organization}
ACTION_FLAGS = ("notify_on_warning", "notify_on_breach", "escalate_on_breach", "raise_priority_on_breach")


def _clean_conditions(raw: Any) -> dict[str, Any]:
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise Invalid(fields={"conditions": _("Send an object of conditions.")})
    facts = fact_choices()
    unknown = set(raw) - set(LIST_CONDITIONS) - set(ID_CONDITIONS) - set(facts)
    if unknown:
        raise Invalid(fields={f"conditions.{name}": _("Unknown condition.") for name in sorted(unknown)})
    clean: dict[str, Any] = {}
    for name, allowed in LIST_CONDITIONS.items():
        values = raw.get(name) or []
        if not isinstance(values, list) or any(value not in allowed for value in values):
            raise Invalid(fields={f"conditions.{name}": _("Use values from: %(values)s.") % {"values": ", ".join(allowed)}})
        clean[name] = sorted(set(values), key=allowed.index)
    for name, model in ID_CONDITIONS.items():
        ids = raw.get(name) or []
        if not isinstance(ids, list) or not all(is_id(pk) for pk in ids):
            raise Invalid(fields={f"conditions.{name}": _("Give a list of ids.")})
        found = list(model.objects.filter(pk__in=ids))
        if len(found) != len(set(ids)):
            raise Invalid(fields={f"conditions.{name}": _("Some of these ids do not exist.")})
        clean[name] = found
    clean["facts"] = {}
    for name, choices in facts.items():  # features' ticket facts (tickets/facts.py), e.g. "warranty"
        allowed = [value for value, _label in choices]
        values = raw.get(name) or []
        if not isinstance(values, list) or any(value not in allowed for value in values):
            raise Invalid(fields={f"conditions.{name}": _("Use values from: %(values)s.") % {"values": ", ".join(allowed)}})
        if values:
            clean["facts"][name] = sorted(set(values), key=allowed.index)
    return clean


def _clean_targets(raw: Any) -> dict[str, tuple[int, Calendar]]:
    if not isinstance(raw, dict) or not raw:
        raise Invalid(fields={"targets": _("Give at least one target: first_response, next_response or resolution.")})
    clean = {}
    for metric, spec in raw.items():
        field = f"targets.{metric}"
        if metric not in Metric.values:
            raise Invalid(fields={field: _("Unknown target; use first_response, next_response or resolution.")})
        if not isinstance(spec, dict):
            raise Invalid(fields={field: _("Give minutes and a calendar id.")})
        minutes, calendar_id = spec.get("minutes"), spec.get("calendar")
        if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= MAX_TARGET_MINUTES:
            raise Invalid(fields={f"{field}.minutes": _("Use a whole number of minutes from 1 to %(max)s.") % {"max": MAX_TARGET_MINUTES}})
        calendar = Calendar.objects.filter(pk=calendar_id).first() if is_id(calendar_id) else None
        if calendar is None:
            raise Invalid(fields={f"{field}.calendar": _("There is no calendar with this id.")})
        clean[metric] = (minutes, calendar)
    return clean


def _clean_actions(raw: Any) -> dict[str, Any]:
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise Invalid(fields={"actions": _("Send an object of actions.")})
    unknown = set(raw) - set(ACTION_FLAGS) - {"warn_at_percent"}
    if unknown:
        raise Invalid(fields={f"actions.{name}": _("Unknown action.") for name in sorted(unknown)})
    clean: dict[str, Any] = {}
    if "warn_at_percent" in raw:
        percent = raw["warn_at_percent"]
        if percent is not None and (not isinstance(percent, int) or isinstance(percent, bool) or not 1 <= percent <= 99):
            raise Invalid(fields={"actions.warn_at_percent": _("Use a whole number from 1 to 99, or null for no warning.")})
        clean["warn_at_percent"] = percent
    for flag in ACTION_FLAGS:
        if flag in raw:
            if not isinstance(raw[flag], bool):
                raise Invalid(fields={f"actions.{flag}": _("Use true or false.")})
            clean[flag] = raw[flag]
    return clean


def _clean_name(raw: Any) -> str:
    name = " ".join(str(raw or "").split())
    if not name or len(name) > 100:
        raise Invalid(fields={"name": _("Write a name of at most 100 characters.")})
    return name


def _clean_position(raw: Any) -> int:
    if not isinstance(raw, int) or isinstance(raw, bool) or not 0 <= raw <= 1_000_000:
        raise Invalid(fields={"position": _("Use a whole number from 0 to 1000000.")})
    return raw


def policy_create(*, actor: User, name: str, targets: Any, position: int = 0, active: bool = True,
                  conditions: Any = None, actions: Any = None) -> Policy:
    if not can_edit_policies(actor):
        raise Forbidden()
    name, position = _clean_name(name), _clean_position(position)
    clean_conditions, clean_targets, clean_actions = _clean_conditions(conditions), _clean_targets(targets), _clean_actions(actions)
    with transaction.atomic(), unique_or_conflict(_("A policy with this name already exists.")):
        policy = Policy.objects.create(name=name, position=position, active=bool(active), **clean_actions)
        _store(policy, clean_conditions, clean_targets)
        audit_record("sla_policy.changed", actor=actor, target=policy, after=_audited(policy))
    reevaluate_later()
    return policy


def _audited(policy: Policy) -> dict[str, Any]:
    """The policy as the audit log keeps it."""
    return {**state_of(policy, ("name", "position", "active", *LIST_CONDITIONS, "facts", *ACTION_FLAGS)),
            "support_plans": sorted(policy.support_plans.values_list("pk", flat=True)),
            "organizations": sorted(policy.organizations.values_list("pk", flat=True)),
            "targets": {t.metric: [t.minutes, t.calendar_id] for t in policy.targets.order_by("metric")}}


def policy_update(*, actor: User, policy: Policy, changes: dict[str, Any]) -> Policy:
    if not can_edit_policies(actor):
        raise Forbidden()
    before = _audited(policy)
    if "name" in changes:
        policy.name = _clean_name(changes["name"])
    if "position" in changes:
        policy.position = _clean_position(changes["position"])
    if "active" in changes:
        policy.active = bool(changes["active"])
    for field, value in _clean_actions(changes.get("actions")).items():
        setattr(policy, field, value)
    clean_conditions = _clean_conditions(changes["conditions"]) if "conditions" in changes else None
    clean_targets = _clean_targets(changes["targets"]) if "targets" in changes else None
    policy.updated_at = clock.now()
    with transaction.atomic(), unique_or_conflict(_("A policy with this name already exists.")):
        policy.save()
        _store(policy, clean_conditions, clean_targets)
        audit_record("sla_policy.changed", actor=actor, target=policy, before=before, after=_audited(policy))
    reevaluate_later()
    return policy


def policy_delete(*, actor: User, policy: Policy) -> None:
    """Tickets under it are evaluated again; their past clocks keep their results."""
    if not can_edit_policies(actor):
        raise Forbidden()
    with transaction.atomic():
        audit_record("sla_policy.changed", actor=actor, target=policy, before=_audited(policy))
        policy.delete()
    reevaluate_later()


def _store(policy: Policy, conditions: dict[str, Any] | None, targets: dict[str, tuple[int, Calendar]] | None) -> None:
    if conditions is not None:
        for name in LIST_CONDITIONS:
            setattr(policy, name, conditions[name])
        policy.facts = conditions["facts"]
        policy.save(update_fields=[*LIST_CONDITIONS, "facts"])
        policy.support_plans.set(conditions["support_plans"])
        policy.organizations.set(conditions["organizations"])
    if targets is not None:
        policy.targets.exclude(metric__in=list(targets)).delete()
        for metric, (minutes, calendar) in targets.items():
            Target.objects.update_or_create(policy=policy, metric=metric, defaults={"minutes": minutes, "calendar": calendar})


def reevaluate_later() -> None:
    """Open tickets are evaluated again once the policy change commits."""
    from ..tasks import reevaluate_tickets

    enqueue_after_commit(reevaluate_tickets, reason=Reason.POLICY)
