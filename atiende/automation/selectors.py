"""Reads for automation: the plain snapshot conditions see, and rule lists."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db import transaction

from atiende.core import clock
from atiende.tickets.models import Message, MessageKind, Ticket

from .models import RuleRun, TimeRule, Trigger


def _key(value: Any) -> Any:
    """A changed value as conditions compare it: related rows by id, lists as lists."""
    if hasattr(value, "pk"):
        return value.pk
    return value


def business_hours_now(ticket: Ticket, now: datetime) -> bool:
    """Open by the calendar of the ticket's SLA policy (its first target's); always open without one."""
    if ticket.sla_policy_id is None:
        return True
    from atiende.sla.models import Target
    from atiende.sla.selectors import arithmetic_for

    target = Target.objects.filter(policy_id=ticket.sla_policy_id).select_related("calendar").order_by("id").first()
    return True if target is None else arithmetic_for(target.calendar).is_open(now)


# Fields whose value costs a query; the others come from the ticket row itself.
COSTLY = {"requester_email", "requester_name", "organization", "segment", "sector", "plan", "language",
          "business_hours", "last_message", "last_message_author", "tags"}


def fields_of(*condition_groups: dict | None) -> set[str]:
    """The snapshot fields some condition of these groups reads."""
    return {item["field"] for group in condition_groups if group for key in ("all", "any") for item in group.get(key) or ()}


def ticket_snapshot(ticket: Ticket, *, changes: dict[str, tuple[Any, Any]] | None = None,
                    needed: set[str] | None = None) -> dict[str, Any]:
    """What a condition may read, as plain values (see conditions.FIELDS). With `needed`, only the
    costly fields named there are read (a ticket's 50 triggers usually need one or two queries)."""
    now = clock.now()
    want = COSTLY if needed is None else COSTLY & needed
    snapshot: dict[str, Any] = {
        "subject": ticket.subject, "status": ticket.status, "priority": ticket.priority, "type": ticket.type,
        "channel": ticket.channel, "number": ticket.number, "team": ticket.team_id, "assignee": ticket.assignee_id,
        "age_minutes": int((now - ticket.created_at).total_seconds() // 60),
        "custom_fields": dict(ticket.custom_fields or {}),
        "changes": {field: (_key(old), _key(new)) for field, (old, new) in (changes or {}).items()},
    }
    if not want:
        return snapshot
    requester = ticket.requester if want & {"requester_email", "requester_name", "language", "organization",
                                            "segment", "sector", "plan"} else None
    if want & {"organization", "segment", "sector", "plan"}:
        org = ticket.organization or (requester.organization if requester else None)
        snapshot.update({
            "organization": org.name if org else "",
            "segment": org.segment if org else "",
            "sector": org.sector.name if org and org.sector_id else "",
            "plan": org.support_plan.name if org and org.support_plan_id else "",
        })
    if requester is not None or want & {"requester_email", "requester_name", "language"}:
        snapshot.update({
            "requester_email": _email(requester) if "requester_email" in want else "",
            "requester_name": requester.name if requester else "",
            "language": (requester.language if requester else "") or "",
        })
    if "business_hours" in want:
        snapshot["business_hours"] = business_hours_now(ticket, now)
    if want & {"last_message", "last_message_author"}:
        last = (
            Message.objects.filter(ticket=ticket).exclude(kind=MessageKind.INTERNAL)
            .order_by("-created_at", "-id").only("body_text", "author_kind").first()
        )
        snapshot["last_message"] = last.body_text if last else ""
        snapshot["last_message_author"] = last.author_kind if last else ""
    if "tags" in want:
        snapshot["tags"] = sorted(ticket.tags.values_list("name", flat=True))
    return snapshot


def _email(requester: Any) -> str:
    if requester is None:
        return ""
    from atiende.customers.models import IdentityKind

    found = requester.identities.filter(kind=IdentityKind.EMAIL).order_by("-is_primary", "id").first()
    return found.value if found else ""


def active_triggers(event: str) -> list[Trigger]:
    """The active triggers of `event`, in order. Kept per process and checked against a version
    number in the cache (bumped on every rule change), so a ticket event costs one cache read."""
    version = cache.get(TRIGGERS_VERSION_KEY)
    if version is None:
        version = _bump_version()
    kept = _kept.get(event)
    if kept is None or kept[0] != version:
        kept = (version, list(Trigger.objects.filter(event=event, active=True).order_by("position", "id")))
        _kept[event] = kept
    return kept[1]


TRIGGERS_VERSION_KEY = "automation:triggers:version"
_kept: dict[str, tuple[str, list[Trigger]]] = {}


def _bump_version() -> str:
    import uuid

    version = uuid.uuid4().hex
    cache.set(TRIGGERS_VERSION_KEY, version, None)
    return version


def triggers_changed() -> None:
    """Call after any trigger is written: every process reloads its triggers on the next event."""
    transaction.on_commit(_bump_version)
    _bump_version()


def trigger_list() -> list[Trigger]:
    return list(Trigger.objects.order_by("position", "id"))


def time_rule_list() -> list[TimeRule]:
    return list(TimeRule.objects.order_by("position", "id"))


def rule_runs(rule: Trigger | TimeRule, *, limit: int = 50) -> list[RuleRun]:
    return list(rule.runs.select_related("ticket").order_by("-created_at", "-id")[:limit])
