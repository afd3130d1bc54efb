"""The ticket hooks' subscriber that turns what happens to tickets into webhook events.

Listed last in settings.TICKET_HOOKS, so the ticket it describes carries what earlier subscribers
(SLA, automation) did in the same change. Work done here per change, when nobody subscribes: one
cache read."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from atiende.accounts.models import User
from atiende.tickets.hooks import Change, TicketHooks
from atiende.tickets.models import Message, Ticket

from . import events
from .payloads import changes_part, message_part, ticket_part
from .services import deliveries_queue

logger = logging.getLogger(__name__)


def _emit(event: str, ticket: Ticket, build: Callable[[], dict[str, Any]]) -> None:
    try:
        deliveries_queue(event=event, ticket_id=ticket.pk, build=build)
    except Exception:  # a webhook must never undo the ticket change that caused it
        logger.exception("Webhook event %s for ticket %s was not queued", event, ticket.pk)


class WebhookHooks(TicketHooks):
    def ticket_created(self, ticket: Ticket, *, actor: User | None, message: Message) -> None:
        _emit(events.TICKET_CREATED, ticket, lambda: {"ticket": ticket_part(ticket), "message": message_part(message)})

    def message_added(self, message: Message, *, actor: User | None) -> None:
        ticket = message.ticket
        _emit(events.MESSAGE_CREATED, ticket, lambda: {"ticket": ticket_part(ticket), "message": message_part(message)})

    def ticket_changed(self, ticket: Ticket, *, actor: User | None, changes: Sequence[Change]) -> None:
        _emit(events.TICKET_UPDATED, ticket, lambda: {"ticket": ticket_part(ticket), "changes": changes_part(changes)})

    def ticket_solved(self, ticket: Ticket, *, actor: User | None) -> None:
        _emit(events.TICKET_SOLVED, ticket, lambda: {"ticket": ticket_part(ticket)})

    def sla_warning(self, ticket: Ticket, *, metric: str) -> None:
        _emit(events.SLA_WARNING, ticket, lambda: {"ticket": ticket_part(ticket), "sla": {"metric": metric}})

    def sla_breached(self, ticket: Ticket, *, metric: str) -> None:
        _emit(events.SLA_BREACHED, ticket, lambda: {"ticket": ticket_part(ticket), "sla": {"metric": metric}})
