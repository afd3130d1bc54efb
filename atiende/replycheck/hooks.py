"""The reply checker's ticket hook: each public reply an agent sends is checked once more after
it is committed, for the coaching reports, with the findings the composer showed while it was
written (those gone by then were fixed before sending)."""

from __future__ import annotations

from atiende.accounts.models import User
from atiende.core.jobs import enqueue_after_response
from atiende.tickets.hooks import TicketHooks
from atiende.tickets.models import Message

from . import selectors, services, tasks


class CoachingHooks(TicketHooks):
    def message_added(self, message: Message, *, actor: User | None) -> None:
        if selectors.counts_for_coaching(message):
            seen = services.draft_codes_take(user_id=message.author_user_id, ticket_id=message.ticket_id)
            enqueue_after_response(tasks.record_sent_reply, message_id=message.pk, seen=seen)
