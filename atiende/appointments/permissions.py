"""Who sees and books appointments (like tickets: decision 0035).

- appointment types: staff agents see every type; customers the active ones (they book them);
  supervisors and administrators create and change them;
- appointments: staff agents those of tickets they may see and those they give; customers their
  own, an organization's admin also the organization's (as with tickets); collaborators none;
- booking: a customer for themselves (on their own ticket or a new one); an agent on a ticket
  they may change, for its requester; cancelling and rescheduling: whoever may book it;
  no-shows: staff agents who may change the ticket.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from atiende.accounts.permissions import is_staff_agent, sees_all_tickets
from atiende.customers.permissions import customer_of
from atiende.tickets.models import Ticket
from atiende.tickets.permissions import can_edit_ticket, ticket_scope

from .models import Appointment

NOTHING = Q(pk__in=[])


def type_scope(user: Any) -> Q:
    if is_staff_agent(user):
        return Q()
    return Q(active=True) if customer_of(user) is not None else NOTHING


def can_manage_types(user: Any) -> bool:
    return sees_all_tickets(user)  # supervisors and administrators


def appointment_scope(user: Any) -> Q:
    if sees_all_tickets(user):
        return Q()
    if is_staff_agent(user):
        return Q(agent_id=user.pk) | Q(ticket__in=Ticket.objects.filter(ticket_scope(user)).values("pk"))
    me = customer_of(user)
    if me is None:
        return NOTHING
    if me.is_organization_admin and me.organization_id is not None:
        return Q(customer_id=me.pk) | Q(ticket__organization_id=me.organization_id)
    return Q(customer_id=me.pk)


def can_change_appointment(user: Any, appointment: Appointment) -> bool:
    """Cancel or reschedule (the caller has already found it visible)."""
    me = customer_of(user)
    if me is not None:
        return appointment.customer_id == me.pk or (
            me.is_organization_admin and me.organization_id is not None
            and appointment.ticket.organization_id == me.organization_id)
    return is_staff_agent(user) and can_edit_ticket(user, appointment.ticket)


def can_mark_no_show(user: Any, appointment: Appointment) -> bool:
    return is_staff_agent(user) and can_edit_ticket(user, appointment.ticket)
