"""The workspace's customer page: a profile with its ticket history across channels. It composes
customers and tickets, so it lives above both (STYLE.md, "Screens live above the domain")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from atiende.accounts.models import User
from atiende.accounts.permissions import is_agent
from atiende.core.db import is_id
from atiende.core.exceptions import NotFound
from atiende.customers.models import Customer
from atiende.customers.selectors import customer_list, customer_survivor_id
from atiende.tickets.models import Ticket
from atiende.tickets.selectors import TicketFilters, ticket_list


@dataclass(frozen=True)
class CustomerPage:
    customer: Customer
    tickets: list[Ticket]  # newest first, only those the viewer may see
    older_than: int | None  # pass as `before` for the next page; None: this was the last one
    merged_name: str = ""  # asked for a profile merged into this one: its name


def customer_page(*, user: User, customer_id: Any, before: int | None = None, limit: int = 50) -> CustomerPage:
    """A customer's profile and ticket history across channels, for the workspace. Customers
    manage themselves in the portal, so for them (as for anyone else the policy hides the
    customer from, or an impossible id) NotFound."""
    if not is_agent(user) or not is_id(customer_id):
        raise NotFound()
    profiles = customer_list(user=user).select_related(
        "organization__support_plan", "organization__account_manager", "organization__sector"
    )
    customer = profiles.filter(pk=customer_id).first()
    merged_name = ""
    if customer is None:  # a merged profile's page is its survivor's (the view redirects there)
        survivor = customer_survivor_id(customer_id=int(customer_id))
        customer = profiles.filter(pk=survivor).first() if survivor != int(customer_id) else None
        if customer is not None:
            merged_name = Customer.objects.filter(pk=customer_id).values_list("name", flat=True).get()
    if customer is None:
        raise NotFound()
    tickets = ticket_list(user=user, filters=TicketFilters(requester_id=customer.pk)).order_by("-id")
    if before is not None:
        tickets = tickets.filter(pk__lt=before)
    rows = list(tickets[: limit + 1])
    return CustomerPage(customer=customer, tickets=rows[:limit], older_than=rows[limit - 1].pk if len(rows) > limit else None,
                        merged_name=merged_name)
