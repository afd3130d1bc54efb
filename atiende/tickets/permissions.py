"""The ticket permission policy, applied where selectors and services are entered.

- customers: their own tickets; organization admins: their organization's;
- admins and supervisors: every ticket;
- agents: their teams' tickets, tickets with no team yet (the shared triage queue), and
  tickets assigned to them or referred to them;
- collaborators: only tickets they were referred to — read and add internal notes.
A conversation never moves to another organization's (or another individual's) ticket.
Internal notes, agent-only fields and tags not made public are for agents only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from atiende.accounts.permissions import is_agent, is_staff_agent, is_system, sees_all_tickets
from atiende.accounts.selectors import team_ids_of
from atiende.customers.permissions import customer_of

from .models import Message, MessageKind, Ticket
from .status import behaviour

NOTHING = Q(pk__in=[])


def _referred_to(user: Any) -> Q:
    return Q(pk__in=Ticket.collaborators.through.objects.filter(user_id=user.pk).values("ticket_id"))


def ticket_scope(user: Any) -> Q:
    if sees_all_tickets(user):
        return Q()
    if is_staff_agent(user):
        return Q(team_id__in=team_ids_of(user)) | Q(team__isnull=True) | Q(assignee_id=user.pk) | _referred_to(user)
    if is_agent(user):  # collaborator
        return _referred_to(user)
    me = customer_of(user)
    if me is None:
        return NOTHING
    if me.is_organization_admin and me.organization_id is not None:
        return Q(organization_id=me.organization_id) | Q(requester_id=me.pk)
    return Q(requester_id=me.pk)


def can_view_ticket(user: Any, ticket: Ticket) -> bool:
    if sees_all_tickets(user):
        return True
    if is_staff_agent(user):
        return (
            ticket.team_id is None
            or ticket.team_id in team_ids_of(user)
            or ticket.assignee_id == user.pk
            or ticket.collaborators.filter(pk=user.pk).exists()
        )
    if is_agent(user):
        return ticket.collaborators.filter(pk=user.pk).exists()
    me = customer_of(user)
    if me is None:
        return False
    if me.is_organization_admin and me.organization_id is not None and ticket.organization_id == me.organization_id:
        return True
    return ticket.requester_id == me.pk


def can_edit_ticket(user: Any, ticket: Ticket) -> bool:
    """Change properties, merge, link, refer: staff agents who can see the ticket."""
    return is_staff_agent(user) and can_view_ticket(user, ticket)


def may_share_conversation(first: Ticket, second: Ticket) -> bool:
    """Whether one ticket's conversation may move into the other (a merge): only when it stays
    with the same customers. Tickets of one organization may merge (its admin reads both already);
    tickets without an organization only when they have the same requester. Anything else would
    hand one company's or one person's conversation to another's people."""
    if first.organization_id != second.organization_id:
        return False
    return first.organization_id is not None or first.requester_id == second.requester_id


def can_reply_publicly(user: Any, ticket: Ticket) -> bool:
    if behaviour(ticket.status).is_terminal:
        return False
    if is_agent(user) or is_system(user):  # the system replies as staff (automation's rules)
        return is_staff_agent(user) and can_view_ticket(user, ticket)
    return customer_of(user) is not None and can_view_ticket(user, ticket)


def can_add_internal_note(user: Any, ticket: Ticket) -> bool:
    return (is_agent(user) or is_system(user)) and can_view_ticket(user, ticket)


def sees_internal(user: Any) -> bool:
    """Internal notes, agent-only fields and history: agents only."""
    return is_agent(user)


def sees_private_tags(user: Any) -> bool:
    """Tags not made public are agents' notes: only agents see them or filter by them."""
    return is_agent(user)


def can_manage_tags(user: Any) -> bool:
    """Which tags customers see is decided by supervisors and admins."""
    return sees_all_tickets(user)


def can_view_message(user: Any, message: Message) -> bool:
    if message.kind == MessageKind.INTERNAL and not sees_internal(user):
        return False
    return can_view_ticket(user, message.ticket)


# Fields a customer may change on their own ticket; anything else is privileged.
CUSTOMER_UPDATE_FIELDS = frozenset({"status", "custom_fields"})
