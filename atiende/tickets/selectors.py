"""Reads for tickets, always through the permission policy."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from atiende.accounts.models import User
from atiende.core.exceptions import Forbidden, NotFound

from .models import Attachment, Message, MessageKind, Ticket, TicketEvent
from .permissions import can_view_message, sees_internal, ticket_scope


@dataclass(frozen=True)
class TicketFilters:
    status: list[str] | None = None
    priority: list[str] | None = None
    team_id: int | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    requester_id: int | None = None
    organization_id: int | None = None
    tag: str | None = None
    channel: str | None = None
    updated_since: datetime | None = None
    sla_running: bool = False  # only tickets with a running SLA deadline (to sort by it)


def ticket_list(*, user: User, filters: TicketFilters | None = None) -> QuerySet[Ticket]:
    """Tickets `user` may see, filtered; newest update first."""
    f = filters or TicketFilters()
    qs = Ticket.objects.filter(ticket_scope(user))
    if f.status:
        qs = qs.filter(status__in=f.status)
    if f.priority:
        qs = qs.filter(priority__in=f.priority)
    if f.team_id is not None:
        qs = qs.filter(team_id=f.team_id)
    if f.unassigned:
        qs = qs.filter(assignee__isnull=True)
    elif f.assignee_id is not None:
        qs = qs.filter(assignee_id=f.assignee_id)
    if f.requester_id is not None:
        qs = qs.filter(requester_id=f.requester_id)
    if f.organization_id is not None:
        qs = qs.filter(organization_id=f.organization_id)
    if f.tag:
        qs = qs.filter(pk__in=Ticket.tags.through.objects.filter(tag__name=f.tag.strip().lower()).values("ticket_id"))
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.updated_since is not None:
        qs = qs.filter(updated_at__gte=f.updated_since)
    if f.sla_running:
        qs = qs.filter(sla_due_at__isnull=False)
    return qs.select_related("requester", "organization", "team", "assignee", "merged_into", "sla_policy").only(
        *TICKET_COLUMNS
    )


def tag_names_by_ticket(tickets: list[Ticket]) -> dict[int, list[str]]:
    """Tag names per ticket in one query (a model prefetch cost twice as much on a 50-row page)."""
    names: dict[int, list[str]] = {ticket.pk: [] for ticket in tickets}
    rows = (
        Ticket.tags.through.objects.filter(ticket_id__in=list(names))
        .order_by("tag__name")
        .values_list("ticket_id", "tag__name")
    )
    for ticket_id, name in rows:
        names[ticket_id].append(name)
    return names


# What lists and pages show; related rows are fetched by id and name only (no password hashes).
TICKET_COLUMNS = (
    "id", "number", "subject", "status", "priority", "type", "channel", "custom_fields",
    "created_at", "updated_at", "solved_at", "closed_at",
    "requester__id", "requester__name", "organization__id", "organization__name",
    "team__id", "team__name", "assignee__id", "assignee__name", "merged_into__id", "merged_into__number",
    "sla_due_at", "sla_warn_at", "sla_paused", "sla_policy__id", "sla_policy__name",
)


def ticket_get(*, user: User, ticket_id: Any) -> Ticket:
    try:
        pk = int(ticket_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    ticket = ticket_list(user=user).filter(pk=pk).first()
    if ticket is None:
        raise NotFound()
    return ticket


def message_list(*, user: User, ticket: Ticket) -> QuerySet[Message]:
    """The conversation as `user` may see it (customers never get internal notes)."""
    qs = Message.objects.filter(ticket=ticket).prefetch_related("attachments")
    if sees_internal(user):
        qs = qs.prefetch_related("emails")
    else:
        qs = qs.filter(kind=MessageKind.PUBLIC)
    return qs.select_related("author_user", "author_customer").order_by("created_at", "id")


def event_list(*, user: User, ticket: Ticket) -> QuerySet[TicketEvent]:
    """The audit trail of a ticket the user can see: agents only (Forbidden for customers)."""
    if not sees_internal(user):
        raise Forbidden()
    return TicketEvent.objects.filter(ticket=ticket).select_related("actor").order_by("created_at", "id")


def attachment_get(*, user: User, public_id: Any) -> Attachment:
    """An attachment the user may download; anything else is NotFound (existence not revealed)."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound() from None
    attachment = Attachment.objects.select_related("message__ticket").filter(public_id=key).first()
    if attachment is None or not can_view_message(user, attachment.message):
        raise NotFound()
    return attachment


def agent_only_field_keys() -> frozenset[str]:
    from .models import CustomField

    return frozenset(CustomField.objects.filter(agent_only=True).values_list("key", flat=True))
