"""The metrics app's ticket hooks: outcomes on solving, and every fact into the event record."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from atiende.accounts.models import User
from atiende.tickets.hooks import Change, TicketHooks
from atiende.tickets.models import Message, Ticket

from . import services


class MetricHooks(TicketHooks):
    solution_fields = services.OUTCOME_FIELDS

    def solution_given(self, ticket: Ticket, *, actor: User | None, details: Mapping[str, Any]) -> None:
        services.outcome_record(actor=actor, ticket=ticket, details=details)

    def ticket_created(self, ticket: Ticket, *, actor: User | None, message: Message) -> None:
        services.record_created(ticket, actor=actor)

    def tickets_imported(self, created: Sequence[tuple[Ticket, Message]]) -> None:
        services.record_created_many([ticket for ticket, _message in created])

    def message_added(self, message: Message, *, actor: User | None) -> None:
        services.record_message(message, actor=actor)

    def ticket_changed(self, ticket: Ticket, *, actor: User | None, changes: Sequence[Change]) -> None:
        for field, old, new in changes:
            if field == "status":
                services.record_status(ticket, actor=actor, old=str(old), new=str(new))
        if any(field in services.FACT_FIELDS for field, _old, _new in changes):
            services.fact_refresh(ticket.pk)  # the reports' groups follow the ticket

    def sla_breached(self, ticket: Ticket, *, metric: str) -> None:
        services.fact_refresh(ticket.pk)
