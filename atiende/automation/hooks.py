"""The automation subscriber: ticket events become trigger events (settings.TICKET_HOOKS)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from atiende.tickets.facts import fact_choices
from atiende.tickets.hooks import Change, TicketHooks
from atiende.tickets.models import AuthorKind, MessageKind

from .models import Event
from .services import run_triggers

# Facts whose change raises an event of its own (besides fact.changed): the satisfaction answer
# (feedback.facts, decision 0044). Named as data: automation imports no feature.
FACT_EVENTS = {"satisfaction": Event.SATISFACTION_ANSWERED, "satisfaction_comment": Event.SATISFACTION_ANSWERED}
# Which changed field raises which event.
FIELD_EVENTS = {
    "status": Event.STATUS_CHANGED, "priority": Event.PRIORITY_CHANGED,
    "team": Event.TEAM_CHANGED, "assignee": Event.ASSIGNEE_CHANGED,
}


class AutomationHooks(TicketHooks):
    def ticket_created(self, ticket, *, actor, message) -> None:
        run_triggers(Event.CREATED, ticket)

    def message_added(self, message, *, actor) -> None:
        if message.kind == MessageKind.INTERNAL:
            return
        if message.author_kind == AuthorKind.CUSTOMER:
            run_triggers(Event.CUSTOMER_REPLIED, message.ticket)
        elif message.author_kind == AuthorKind.AGENT:
            run_triggers(Event.AGENT_REPLIED, message.ticket)

    def ticket_changed(self, ticket, *, actor, changes: Sequence[Change]) -> None:
        by_field: dict[str, tuple[Any, Any]] = {field: (old, new) for field, old, new in changes}
        for field, event in FIELD_EVENTS.items():
            if field in by_field:
                run_triggers(event, ticket, changes=by_field)
        if "tags" in by_field:
            old, new = by_field["tags"]
            if set(new or ()) - set(old or ()):
                run_triggers(Event.TAG_ADDED, ticket, changes=by_field)
        facts = set(by_field) & set(fact_choices())
        if facts - set(FACT_EVENTS):  # a product linked to the ticket changed its warranty
            run_triggers(Event.FACT_CHANGED, ticket, changes=by_field)
        for event in dict.fromkeys(FACT_EVENTS[name] for name in facts if name in FACT_EVENTS):
            run_triggers(event, ticket, changes=by_field)

    def sla_warning(self, ticket, *, metric: str) -> None:
        run_triggers(Event.SLA_WARNING, ticket)

    def sla_breached(self, ticket, *, metric: str) -> None:
        run_triggers(Event.SLA_BREACHED, ticket)
