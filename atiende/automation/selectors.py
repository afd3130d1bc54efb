"""Reads for automation: the plain snapshot conditions see, and rule lists."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db import transaction

from atiende.accounts.permissions import is_admin
from atiende.core import clock
from atiende.core.exceptions import Forbidden, NotFound
from atiende.tickets.facts import fact_choices, facts_of
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


class Snapshot(Mapping):
    """What a condition may read (see conditions.FIELDS), as plain values, read lazily: the ticket
    row's own fields at once, each costly group (requester, organization, last message, tags,
    business hours) only when a condition reaches it, and then once. Fifty triggers whose first
    condition fails on the subject cost no query at all."""

    def __init__(self, ticket: Ticket, *, changes: dict[str, tuple[Any, Any]] | None = None,
                 now: datetime | None = None) -> None:
        self._ticket = ticket
        self._now = now or clock.now()
        self._values: dict[str, Any] = {
            "subject": ticket.subject, "status": ticket.status, "priority": ticket.priority, "type": ticket.type,
            "channel": ticket.channel, "number": ticket.number, "team": ticket.team_id, "assignee": ticket.assignee_id,
            "age_minutes": int((self._now - ticket.created_at).total_seconds() // 60),
            "custom_fields": ticket.custom_fields or {},
            "changes": {field: (_key(old), _key(new)) for field, (old, new) in (changes or {}).items()},
        }

    def __getitem__(self, field: str) -> Any:
        if field not in self._values:
            loader = _LOADERS.get(field) or (_facts if field in fact_choices() else None)
            if loader is None:
                raise KeyError(field)
            self._values.update(loader(self._ticket, self._now))
        return self._values[field]

    def __iter__(self) -> Iterator[str]:
        return iter([*self._values, *(f for f in (*_LOADERS, *fact_choices()) if f not in self._values)])

    def __len__(self) -> int:
        return len(set(self._values) | set(_LOADERS) | set(fact_choices()))


def _requester(ticket: Ticket, now: datetime) -> dict[str, Any]:
    requester = ticket.requester if ticket.requester_id else None
    return {"requester_email": requester_email(ticket), "requester_name": requester.name if requester else "",
            "language": (requester.language if requester else "") or ""}


def _organization(ticket: Ticket, now: datetime) -> dict[str, Any]:
    org = ticket.organization if ticket.organization_id else None
    if org is None and ticket.requester_id:
        org = ticket.requester.organization
    return {"organization": org.name if org else "", "segment": org.segment if org else "",
            "sector": org.sector.name if org and org.sector_id else "",
            "plan": org.support_plan.name if org and org.support_plan_id else ""}


def _last_message(ticket: Ticket, now: datetime) -> dict[str, Any]:
    last = (Message.objects.filter(ticket=ticket).exclude(kind=MessageKind.INTERNAL)
            .order_by("-created_at", "-id").only("body_text", "author_kind").first())
    return {"last_message": last.body_text if last else "", "last_message_author": last.author_kind if last else ""}


def _tags(ticket: Ticket, now: datetime) -> dict[str, Any]:
    return {"tags": sorted(ticket.tags.values_list("name", flat=True))}


def _business_hours(ticket: Ticket, now: datetime) -> dict[str, Any]:
    return {"business_hours": business_hours_now(ticket, now)}


def _facts(ticket: Ticket, now: datetime) -> dict[str, Any]:
    return facts_of(ticket)  # features' facts about the ticket (tickets/facts.py): "warranty"


_LOADERS: dict[str, Callable[[Ticket, datetime], dict[str, Any]]] = {
    **dict.fromkeys(("requester_email", "requester_name", "language"), _requester),
    **dict.fromkeys(("organization", "segment", "sector", "plan"), _organization),
    **dict.fromkeys(("last_message", "last_message_author"), _last_message),
    "tags": _tags,
    "business_hours": _business_hours,
}


def ticket_snapshot(ticket: Ticket, *, changes: dict[str, tuple[Any, Any]] | None = None) -> Snapshot:
    return Snapshot(ticket, changes=changes)


def requester_email(ticket: Ticket) -> str:
    """The requester's email address (primary first), or "" when they have none."""
    if not ticket.requester_id:
        return ""
    from atiende.customers.models import IdentityKind

    found = ticket.requester.identities.filter(kind=IdentityKind.EMAIL).order_by("-is_primary", "id").first()
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


def rule_get(*, user: Any, model: type[Trigger] | type[TimeRule], rule_id: int) -> Trigger | TimeRule:
    """A trigger or time rule for its editors, the administrators (Forbidden for anyone else,
    NotFound for an id that is not there)."""
    if not is_admin(user):
        raise Forbidden()
    rule = model.objects.filter(pk=rule_id).first()
    if rule is None:
        raise NotFound()
    return rule
