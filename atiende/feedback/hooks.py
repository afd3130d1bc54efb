"""The feedback app's ticket hooks: a survey for each solved episode, none for an abandoned one.

Listed after `metrics.hooks.MetricHooks` in TICKET_HOOKS: the episode number is the metric
record's count of solves, which that subscriber has just written."""

from __future__ import annotations

from collections.abc import Sequence

from atiende.accounts.models import User
from atiende.tickets.hooks import Change, TicketHooks
from atiende.tickets.models import Ticket
from atiende.tickets.status import TicketStatus

from . import services


class FeedbackHooks(TicketHooks):
    def ticket_solved(self, ticket: Ticket, *, actor: User | None) -> None:
        services.survey_schedule(ticket=ticket, actor=actor)

    def ticket_changed(self, ticket: Ticket, *, actor: User | None, changes: Sequence[Change]) -> None:
        if any(field == "status" and old == TicketStatus.SOLVED and new not in services.SENT_STATUSES
               for field, old, new in changes):
            services.surveys_cancel_pending(ticket=ticket)
