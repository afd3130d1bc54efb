"""Who may do what with routing, escalation and consultations (decided here, applied in services)."""

from __future__ import annotations

from typing import Any

from atiende.accounts.permissions import is_agent, is_staff_agent, sees_all_tickets
from atiende.accounts.selectors import team_ids_of
from atiende.tickets.models import Ticket
from atiende.tickets.permissions import can_edit_ticket, can_view_ticket

from .models import Consultation


def can_manage_routing(user: Any) -> bool:
    """Rules, skills, capacity, shifts and team modes: supervisors run teams, admins everything."""
    return is_agent(user) and sees_all_tickets(user)


def can_set_availability(user: Any, agent: Any) -> bool:
    """An agent sets their own; supervisors and admins anyone's."""
    return is_staff_agent(user) and (user.pk == agent.pk or can_manage_routing(user))


def can_escalate(user: Any, ticket: Ticket) -> bool:
    return can_edit_ticket(user, ticket)


def can_consult(user: Any, ticket: Ticket) -> bool:
    """Asking stays with who owns the work: staff agents who may change the ticket."""
    return can_edit_ticket(user, ticket)


def _is_asked(user: Any, consultation: Consultation) -> bool:
    if consultation.asked_agent_id is not None:
        return consultation.asked_agent_id == user.pk
    return consultation.asked_team_id in team_ids_of(user)


def can_view_consultation(user: Any, consultation: Consultation) -> bool:
    """Staff who see the ticket, and whoever was asked (they need the question to answer it)."""
    if not is_staff_agent(user):
        return False
    return _is_asked(user, consultation) or can_view_ticket(user, consultation.ticket)


def can_answer_consultation(user: Any, consultation: Consultation) -> bool:
    return is_staff_agent(user) and (_is_asked(user, consultation) or sees_all_tickets(user))
