"""Who offers, sees, decides and settles goodwill credits. A credit is part of its ticket:

- staff agents (agent, supervisor, admin) offer one on a ticket they see, and see the credits of
  the tickets they see (supervisors and admins: all of them);
- supervisors and admins approve or reject a pending one, never their own request, and approve
  only within their own limit (checked by the service, which knows the limits);
- finance (supervisors and admins) marks a granted credit used and exports the ledger;
- customers and collaborators none: the customer is told on the ticket once it is approved.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from atiende.accounts.models import Role
from atiende.accounts.permissions import is_agent, is_staff_agent, sees_all_tickets
from atiende.tickets.models import Ticket
from atiende.tickets.permissions import can_view_ticket, ticket_scope

from .models import Credit

NOTHING = Q(pk__in=[])
APPROVER_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})


def credit_scope(user: Any) -> Q:
    if sees_all_tickets(user):
        return Q()
    if not is_staff_agent(user):
        return NOTHING
    return Q(ticket__in=Ticket.objects.filter(ticket_scope(user)).values("pk"))


def can_offer_credit(user: Any, ticket: Ticket) -> bool:
    return is_agent(user) and is_staff_agent(user) and can_view_ticket(user, ticket)


def can_view_credit(user: Any, credit: Credit) -> bool:
    return is_staff_agent(user) and (sees_all_tickets(user) or can_view_ticket(user, credit.ticket))


def is_approver(user: Any) -> bool:
    return is_agent(user) and user.role in APPROVER_ROLES


def can_decide_credit(user: Any, credit: Credit) -> bool:
    """An approver's, never on their own request (the limit is the service's to check)."""
    return is_approver(user) and credit.requested_by_id != user.pk


def can_manage_ledger(user: Any) -> bool:
    """Finance: marking credits used and exporting the ledger."""
    return is_approver(user)


def can_set_limits(user: Any) -> bool:
    return is_agent(user) and user.role == Role.ADMIN
