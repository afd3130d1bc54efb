"""The warranty of what a ticket is about, as a ticket fact (tickets/facts.py) that SLA policies,
routing rules and triggers may name: "warranty" is

- "standard": a linked product is covered by its standard warranty today;
- "extended": covered, and only by an extended warranty;
- "expired": products are linked and none is covered;
- "none": no product is linked.

With several products the best coverage counts (the customer is owed what the best one gives).
"Today" is the day in the requester's time zone, as the customer reads their warranty.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils.translation import gettext_lazy

from atiende.core import clock
from atiende.tickets.facts import TicketFacts
from atiende.tickets.models import Ticket

from . import coverage
from .models import Asset

STANDARD, EXTENDED, EXPIRED, NONE = "standard", "extended", "expired", "none"
WARRANTY_CHOICES = [
    (STANDARD, gettext_lazy("Under standard warranty")),
    (EXTENDED, gettext_lazy("Under extended warranty")),
    (EXPIRED, gettext_lazy("Warranty expired")),
    (NONE, gettext_lazy("No product linked")),
]


def requester_today(ticket: Ticket) -> date:
    name = (ticket.requester.time_zone if ticket.requester_id else "") or settings.TIME_ZONE
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo(settings.TIME_ZONE)
    return clock.now().astimezone(zone).date()


def warranty_of(asset: Asset, today: date) -> str:
    """`asset` with its product and warranties loaded."""
    standard = coverage.standard_period(asset.purchased_on, asset.product.warranty_months)
    if standard is not None and standard.starts_on <= today <= standard.ends_on:
        return STANDARD
    if any(w.starts_on <= today <= w.ends_on for w in asset.warranties.all()):
        return EXTENDED
    return EXPIRED


def ticket_warranty(ticket: Ticket) -> str:
    """One of the WARRANTY_CHOICES values for `ticket` today."""
    assets = Asset.objects.filter(links__ticket=ticket).select_related("product").prefetch_related("warranties")
    today = requester_today(ticket)
    found = {warranty_of(asset, today) for asset in assets}
    return next((state for state in (STANDARD, EXTENDED, EXPIRED) if state in found), NONE)


class WarrantyFacts(TicketFacts):
    labels = {"warranty": gettext_lazy("Warranty of the product")}
    choices = {"warranty": WARRANTY_CHOICES}

    def facts(self, ticket: Ticket) -> dict[str, str]:
        return {"warranty": ticket_warranty(ticket)}
