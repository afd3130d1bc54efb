"""Creating tickets and changing their properties."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from atiende.accounts.models import Team, User
from atiende.accounts.permissions import is_staff_agent
from atiende.core import clock
from atiende.core.broadcast import broadcast_ticket_changed, broadcast_tickets_changed
from atiende.core.exceptions import Conflict, Forbidden, Invalid, NotFound
from atiende.core.jobs import enqueue_after_commit
from atiende.customers.models import Customer
from atiende.customers.permissions import customer_of
from atiende.customers.services import customer_get_or_create_by_email

from .. import hooks
from ..attachments import check_upload
from ..models import (
    AuthorKind,
    Channel,
    LinkKind,
    Message,
    MessageKind,
    Priority,
    Ticket,
    TicketLink,
    TicketType,
)
from ..numbering import next_ticket_number
from ..permissions import (
    CUSTOMER_UPDATE_FIELDS,
    can_edit_ticket,
    can_view_ticket,
    ticket_scope,
)
from ..status import UNRESOLVED_STATUSES, TicketStatus, behaviour
from ..tasks import acknowledge_ticket
from .common import (
    Change,
    author_fields,
    check_assignee,
    clean_body,
    clean_custom_field_values,
    record_changes,
    resolve_agent,
    resolve_team,
    store_attachments,
    tags_from_names,
)

# --- create -------------------------------------------------------------------------------------

# The channels a signed-in customer can create a ticket through (API and portal).
CUSTOMER_CHANNELS = frozenset({Channel.API, Channel.PORTAL})


def ticket_create(
    *,
    actor: User,
    subject: str,
    body: str,
    body_html: str = "",
    requester: Customer | None = None,
    requester_email: str | None = None,
    requester_name: str = "",
    channel: str = Channel.API,
    team: Team | int | None = None,
    assignee: User | int | None = None,
    priority: str | None = None,
    type: str | None = None,
    tags: Sequence[str] = (),
    custom_fields: dict[str, Any] | None = None,
    uploads: Sequence[UploadedFile] = (),
    attach: Callable[[Ticket], Any] | None = None,
) -> Ticket:
    """`attach`: writes a feature's rows that belong to the ticket from its first moment (the
    product it is about), called before the hooks see the new ticket, so its SLA policy, routing
    and triggers see them too (tickets/facts.py)."""
    me = customer_of(actor)
    if me is not None:
        privileged = {
            "requester": requester not in (None, me) or requester_email is not None, "team": team is not None, "assignee": assignee is not None,
            "priority": priority is not None, "type": type is not None, "tags": bool(tags),
            # The channel feeds SLA conditions: a customer's ticket takes the one they used.
            "channel": channel not in CUSTOMER_CHANNELS,
        }
        denied = [name for name, given in privileged.items() if given]
        if denied:
            raise Forbidden(fields={name: _("Customers cannot set this field.") for name in denied})
        requester = me
    elif not is_staff_agent(actor):
        raise Forbidden()
    if requester is None and not requester_email:
        raise Invalid(fields={"requester": _("This field is required.")})
    team, assignee = resolve_team(team), resolve_agent(assignee)
    subject = " ".join((subject or "").split())
    if not subject:
        raise Invalid(fields={"subject": _("Write a subject.")})
    if len(subject) > 250:
        raise Invalid(fields={"subject": _("Use at most 250 characters.")})
    text, html = clean_body(body, body_html)
    if priority is not None and priority not in Priority.values:
        raise Invalid(fields={"priority": _("Unknown priority.")})
    if type is not None and type not in TicketType.values:
        raise Invalid(fields={"type": _("Unknown type.")})
    if channel not in Channel.values:
        raise Invalid(fields={"channel": _("Unknown channel.")})
    check_assignee(assignee, team)
    checked = [check_upload(u) for u in uploads]
    values = clean_custom_field_values(actor, {}, custom_fields or {}, enforce_required=True)

    with transaction.atomic():
        if requester is None:
            requester = customer_get_or_create_by_email(email=requester_email or "", name=requester_name)
        ticket, _message = _open_ticket(
            requester=requester, author=author_fields(actor, None), actor=actor, subject=subject, text=text, html=html,
            channel=channel, team=team, assignee=assignee, priority=priority, type=type, tags=tags,
            custom_fields=values, checked=checked, attach=attach,
        )
        if me is not None:  # the customer wrote in: confirm it with the SLA's promise
            enqueue_after_commit(acknowledge_ticket, ticket_id=ticket.pk)
    return ticket


def channel_ticket_create(
    *,
    requester: Customer,
    subject: str,
    body: str,
    body_html: str = "",
    channel: str,
    team: Team | None = None,
    uploads: Sequence[UploadedFile] = (),
    acknowledge: bool = True,
    unverified_sender: bool = False,
    agreed_at: datetime | None = None,
) -> tuple[Ticket, Message]:
    """A request that came through a channel trusted to say who sent it (an email's sender): the
    sender is the requester and no viewer permission applies. `acknowledge` queues the mail
    confirming it; callers turn it off for senders who must not get automatic mail.
    `unverified_sender`: the channel could not confirm the sender (agents see a warning).
    `agreed_at`: a time promised to the customer (a call back), a deadline until an agent answers."""
    subject = " ".join((subject or "").split())[:250] or _("(no subject)")
    text, html = clean_body(body, body_html)
    checked = [check_upload(u) for u in uploads]
    author = {"author_kind": AuthorKind.CUSTOMER, "author_customer": requester, "author_user": requester.user,
              "unverified_sender": unverified_sender}
    with transaction.atomic():
        ticket, message = _open_ticket(
            requester=requester, author=author, actor=requester.user, subject=subject, text=text, html=html,
            channel=channel, team=team, checked=checked, agreed_at=agreed_at,
        )
        if acknowledge:
            enqueue_after_commit(acknowledge_ticket, ticket_id=ticket.pk)
    return ticket, message


def _open_ticket(
    *, requester: Customer, author: dict, actor: User | None, subject: str, text: str, html: str, channel: str,
    team: Team | None, checked: Sequence, assignee: User | None = None, priority: str | None = None,
    type: str | None = None, tags: Sequence[str] = (), custom_fields: dict | None = None,
    agreed_at: datetime | None = None, attach: Callable[[Ticket], Any] | None = None,
) -> tuple[Ticket, Message]:
    now = clock.now()
    ticket = Ticket.objects.create(
        number=next_ticket_number(),
        subject=subject,
        status=TicketStatus.OPEN if assignee else TicketStatus.NEW,
        priority=priority or Priority.NORMAL,
        type=type or TicketType.QUESTION,
        channel=channel,
        requester=requester,
        organization=requester.organization,
        team=team,
        assignee=assignee,
        custom_fields=custom_fields or {},
        agreed_at=agreed_at,
        created_at=now,
        updated_at=now,
    )
    if tags:
        ticket.tags.set(tags_from_names(tags))
    message = Message.objects.create(
        ticket=ticket, kind=MessageKind.PUBLIC, channel=channel, body_text=text, body_html=html, created_at=now, **author,
    )
    store_attachments(message, checked)
    if attach is not None:
        attach(ticket)
    record_changes(ticket, actor, [("created", None, ticket.reference)])
    hooks.ticket_created(ticket, actor=actor, message=message)
    broadcast_tickets_changed(ticket_ids=[ticket.pk])
    return ticket, message


# --- update -------------------------------------------------------------------------------------

UPDATABLE = ("subject", "status", "priority", "type", "team", "assignee", "tags", "custom_fields")


def _check_customer_update(actor: User, ticket: Ticket, changes: dict[str, Any]) -> None:
    denied = set(changes) - CUSTOMER_UPDATE_FIELDS
    if denied:
        raise Forbidden(fields={name: _("Customers cannot set this field.") for name in sorted(denied)})
    if "status" in changes:
        current, wanted = ticket.status, changes["status"]
        solving = wanted == TicketStatus.SOLVED and behaviour(current).is_active
        reopening = wanted == TicketStatus.OPEN and current == TicketStatus.SOLVED
        if wanted != current and not (solving or reopening):
            raise Forbidden(fields={"status": _("You can mark your request as solved, or reopen a solved one.")})


def _check_status_change(actor: User, ticket: Ticket, wanted: str) -> None:
    if wanted not in TicketStatus.values:
        raise Invalid(fields={"status": _("Unknown status.")})
    if not behaviour(wanted).agent_settable:
        raise Invalid(fields={"status": _("Use merge to merge tickets.")})
    if behaviour(wanted).is_resolved:
        open_children = Ticket.objects.filter(
            pk__in=TicketLink.objects.filter(source=ticket, kind=LinkKind.PARENT).values("target_id"),
            status__in=UNRESOLVED_STATUSES,
        ).order_by("number")
        if not open_children.exists():
            return
        # Name only the children the actor may see: a child may be another team's ticket, or
        # another organization's (one outage, many customers), and a customer may solve a parent.
        numbers = [child.reference for child in open_children.filter(ticket_scope(actor)).only("id", "number")]
        message = (
            _("This ticket has open child tickets: %(numbers)s. Solve them first.") % {"numbers": ", ".join(numbers)}
            if numbers else _("Tickets this one depends on are still open. It can be solved once they are.")
        )
        raise Conflict(message, fields={"status": _("Child tickets are still open.")})


def ticket_update(*, actor: User, ticket: Ticket, changes: dict[str, Any], note: str = "",
                  details: Mapping[str, Any] | None = None) -> Ticket:
    """Apply `changes` (keys from UPDATABLE; team/assignee as objects) and record each one.
    `note`: why, kept with the history (a system actor's reason: "sla_breach").
    `details`: extra fields of a solving change for the hooks' `solution_given` (an outcome),
    refused when the change does not solve the ticket."""
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise Invalid(fields={name: _("This field cannot be changed.") for name in sorted(unknown)})
    details = dict(details or {})
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if not can_view_ticket(actor, ticket):
            raise NotFound()
        if customer_of(actor) is not None:
            _check_customer_update(actor, ticket, changes)
        elif not can_edit_ticket(actor, ticket):
            raise Forbidden()
        if behaviour(ticket.status).is_terminal:
            raise Conflict(_("This ticket is closed and cannot be changed."))
        old_status = ticket.status
        recorded = _apply_changes(actor, ticket, changes)
        solving = ticket.status == TicketStatus.SOLVED and old_status != TicketStatus.SOLVED
        if details and not solving:
            raise Invalid(fields={name: _("Give this only when solving the ticket.") for name in sorted(details)})
        if recorded:
            ticket.updated_at = clock.now()
            ticket.save()
            record_changes(ticket, actor, recorded, note=note)
            if solving:
                hooks.solution_given(ticket, actor=actor, details=details)
            hooks.ticket_changed(ticket, actor=actor, changes=recorded)
            if solving:
                hooks.ticket_solved(ticket, actor=actor)
            broadcast_ticket_changed(ticket_id=ticket.pk, actor_id=actor.pk)
    return ticket


def _apply_changes(actor: User, ticket: Ticket, changes: dict[str, Any]) -> list[Change]:  # noqa: C901 - one block per field
    recorded: list[Change] = []

    def set_field(name: str, value: Any) -> None:
        old = getattr(ticket, name)
        if old != value:
            setattr(ticket, name, value)
            recorded.append((name, old, value))

    if "subject" in changes:
        subject = " ".join(str(changes["subject"] or "").split())
        if not subject or len(subject) > 250:
            raise Invalid(fields={"subject": _("Write a subject of at most 250 characters.")})
        set_field("subject", subject)
    if "priority" in changes:
        if changes["priority"] not in Priority.values:
            raise Invalid(fields={"priority": _("Unknown priority.")})
        set_field("priority", changes["priority"])
    if "type" in changes:
        if changes["type"] not in TicketType.values:
            raise Invalid(fields={"type": _("Unknown type.")})
        set_field("type", changes["type"])
    if "team" in changes:
        set_field("team", resolve_team(changes["team"]))
    if "assignee" in changes:
        assignee = resolve_agent(changes["assignee"])
        check_assignee(assignee, ticket.team)
        set_field("assignee", assignee)
        if ticket.assignee is not None and ticket.status == TicketStatus.NEW and "status" not in changes:
            set_field("status", TicketStatus.OPEN)
    if "status" in changes:
        _check_status_change(actor, ticket, changes["status"])
        set_field("status", changes["status"])
        now = clock.now()
        if ticket.status == TicketStatus.SOLVED:
            ticket.solved_at = now
        if ticket.status == TicketStatus.CLOSED:
            ticket.closed_at = now
    if "custom_fields" in changes:
        values = clean_custom_field_values(actor, ticket.custom_fields, changes["custom_fields"], enforce_required=False)
        set_field("custom_fields", values)
    if "tags" in changes:
        new_tags = tags_from_names(changes["tags"] or [])
        old_names = sorted(ticket.tags.values_list("name", flat=True))
        new_names = [t.name for t in new_tags]
        if old_names != new_names:
            ticket.tags.set(new_tags)
            recorded.append(("tags", old_names, new_names))
    return recorded



def ticket_bulk_update(*, actor: User, ticket_ids: Sequence[int], changes: dict[str, Any],
                       details: Mapping[str, Any] | None = None) -> list[int]:
    """The same changes on several tickets: all or nothing, each ticket checked as if alone.

    Any ticket the actor may not see or change aborts the whole batch (NotFound / Forbidden)."""
    ids = list(dict.fromkeys(ticket_ids))
    with transaction.atomic():
        tickets = _tickets_in_order(ids)
        if not all(can_view_ticket(actor, ticket) for ticket in tickets):
            raise NotFound()  # before any ticket's own refusal (an outcome asked), which would tell it exists
        for ticket in tickets:
            ticket_update(actor=actor, ticket=ticket, changes=dict(changes), details=details)
    return ids


def _tickets_in_order(ids: list[int]) -> list[Ticket]:
    found = {ticket.pk: ticket for ticket in Ticket.objects.filter(pk__in=ids)}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise NotFound()
    return [found[pk] for pk in ids]
