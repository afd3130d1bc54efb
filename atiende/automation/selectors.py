"""Reads for automation: the plain snapshot conditions see, and rule lists."""

from __future__ import annotations

from datetime import datetime
from typing import Any

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


def ticket_snapshot(ticket: Ticket, *, changes: dict[str, tuple[Any, Any]] | None = None) -> dict[str, Any]:
    """Everything a condition may read, as plain values (see conditions.FIELDS)."""
    now = clock.now()
    requester = ticket.requester
    org = ticket.organization or (requester.organization if requester else None)
    last = (
        Message.objects.filter(ticket=ticket).exclude(kind=MessageKind.INTERNAL)
        .order_by("-created_at", "-id").only("body_text", "author_kind").first()
    )
    return {
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "type": ticket.type,
        "channel": ticket.channel,
        "number": ticket.number,
        "team": ticket.team_id,
        "assignee": ticket.assignee_id,
        "requester_email": _email(requester),
        "requester_name": requester.name if requester else "",
        "organization": org.name if org else "",
        "segment": org.segment if org else "",
        "sector": org.sector.name if org and org.sector_id else "",
        "plan": org.support_plan.name if org and org.support_plan_id else "",
        "language": (requester.language if requester else "") or "",
        "business_hours": business_hours_now(ticket, now),
        "last_message": last.body_text if last else "",
        "last_message_author": last.author_kind if last else "",
        "tags": sorted(ticket.tags.values_list("name", flat=True)),
        "age_minutes": int((now - ticket.created_at).total_seconds() // 60),
        "custom_fields": dict(ticket.custom_fields or {}),
        "changes": {field: (_key(old), _key(new)) for field, (old, new) in (changes or {}).items()},
    }


def _email(requester: Any) -> str:
    if requester is None:
        return ""
    from atiende.customers.models import IdentityKind

    found = requester.identities.filter(kind=IdentityKind.EMAIL).order_by("-is_primary", "id").first()
    return found.value if found else ""


def active_triggers(event: str) -> list[Trigger]:
    return list(Trigger.objects.filter(event=event, active=True).order_by("position", "id"))


def trigger_list() -> list[Trigger]:
    return list(Trigger.objects.order_by("position", "id"))


def time_rule_list() -> list[TimeRule]:
    return list(TimeRule.objects.order_by("position", "id"))


def rule_runs(rule: Trigger | TimeRule, *, limit: int = 50) -> list[RuleRun]:
    return list(rule.runs.select_related("ticket").order_by("-created_at", "-id")[:limit])
