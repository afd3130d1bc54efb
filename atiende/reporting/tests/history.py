"""Ticket history for the staffing tests: tickets created at given instants.

A few tickets go through `ticket_create` with the clock pinned (the way they really arrive); the
volume (hundreds per test) is written the way `tickets.services.imports` writes a batch, with
numbers from `next_ticket_numbers`, because eight weeks through the full service would take
minutes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from atiende.customers.models import Customer
from atiende.tickets.models import Ticket
from atiende.tickets.numbering import next_ticket_numbers


def plant(requester: Customer, arrivals: Iterable[tuple[datetime, str]]) -> int:
    """One ticket per (created_at, channel); returns how many."""
    items = list(arrivals)
    Ticket.objects.bulk_create([
        Ticket(number=number, subject="Historia", channel=channel, requester=requester,
               organization_id=requester.organization_id, created_at=when, updated_at=when)
        for number, (when, channel) in zip(next_ticket_numbers(len(items)), items, strict=True)
    ])
    return len(items)
