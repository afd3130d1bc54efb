"""Routing's ticket-hook subscriber (settings.TICKET_HOOKS): route new tickets, and assign a
ticket that arrives in a team without an assignee (a rule, an escalation, a hand move)."""

from __future__ import annotations

from collections.abc import Sequence

from atiende.accounts.models import User
from atiende.tickets.hooks import Change, TicketHooks
from atiende.tickets.models import Message, Ticket
from atiende.tickets.status import behaviour


class RoutingHooks(TicketHooks):
    def ticket_created(self, ticket: Ticket, *, actor: User | None, message: Message) -> None:
        from .services import ticket_route_on_arrival

        if ticket.assignee_id is None:
            ticket_route_on_arrival(ticket=ticket, message=message)

    def ticket_changed(self, ticket: Ticket, *, actor: User | None, changes: Sequence[Change]) -> None:
        from .services import ticket_assign_in_team

        moved = any(name == "team" for name, _old, _new in changes)
        if moved and ticket.team_id is not None and ticket.assignee_id is None and not behaviour(ticket.status).is_resolved:
            ticket_assign_in_team(ticket=ticket)
