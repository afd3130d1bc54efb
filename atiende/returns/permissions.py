"""Who sees and moves returns and repairs (RMA). An RMA is part of its ticket:

- staff agents see the RMAs of the tickets they see (the ticket rules), and open and move them on
  tickets they may change;
- customers see the RMAs of the tickets they see (their own; an organization's admin, the
  organization's) and accept or decline a quote on them;
- collaborators (referred outsiders) none: an RMA shows the customer's products, which they do
  not see either.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from atiende.accounts.permissions import is_staff_agent, sees_all_tickets
from atiende.customers.permissions import customer_of
from atiende.tickets.models import Ticket
from atiende.tickets.permissions import can_edit_ticket, can_view_ticket, ticket_scope

from .models import Rma

NOTHING = Q(pk__in=[])


def rma_scope(user: Any) -> Q:
    if sees_all_tickets(user):
        return Q()
    if not is_staff_agent(user) and customer_of(user) is None:
        return NOTHING
    return Q(ticket__in=Ticket.objects.filter(ticket_scope(user)).values("pk"))


def can_view_rma(user: Any, rma: Rma) -> bool:
    if not is_staff_agent(user) and customer_of(user) is None:
        return False
    return can_view_ticket(user, rma.ticket)


def can_open_rma(user: Any, ticket: Ticket) -> bool:
    return can_edit_ticket(user, ticket)


def can_move_rma(user: Any, rma: Rma) -> bool:
    return can_edit_ticket(user, rma.ticket)


def can_decide_quote(user: Any, rma: Rma) -> bool:
    """The customer pays, so the customer decides (the requester, or their organization's admin)."""
    return customer_of(user) is not None and can_view_ticket(user, rma.ticket)
