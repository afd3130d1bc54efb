"""A ticket fact changed outside the ticket row (tickets/facts.py): recorded and announced like
any field change, so the hooks (SLA, routing, triggers, webhooks) see it."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from atiende.accounts.models import User
from atiende.core import clock
from atiende.core.broadcast import broadcast_ticket_changed

from .. import hooks
from ..models import Ticket
from ..status import behaviour
from .common import Change, record_changes


def ticket_facts_changed(*, actor: User | None, ticket: Ticket, changes: Sequence[Change], note: str = "") -> None:
    """`changes`: (fact, old value, new value), as the providing feature computed them. A closed
    ticket keeps its history as it was: nothing is recorded on it."""
    changes = [change for change in changes if change[1] != change[2]]
    if not changes:
        return
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if behaviour(ticket.status).is_terminal:
            return
        ticket.updated_at = clock.now()
        ticket.save(update_fields=["updated_at"])
        record_changes(ticket, actor, changes, note=note)
        hooks.ticket_changed(ticket, actor=actor, changes=changes)
        broadcast_ticket_changed(ticket_id=ticket.pk, actor_id=actor.pk if actor else None)
