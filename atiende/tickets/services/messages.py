"""Replies and internal notes."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from atiende.accounts.models import User
from atiende.accounts.permissions import is_system
from atiende.core import clock
from atiende.core.broadcast import broadcast_ticket_changed
from atiende.core.exceptions import Conflict, Forbidden, Invalid, NotFound
from atiende.customers.models import Customer

from .. import channels, hooks
from ..attachments import check_upload
from ..models import (
    AuthorKind,
    Channel,
    Message,
    MessageKind,
    Ticket,
)
from ..permissions import (
    can_add_internal_note,
    can_reply_publicly,
    can_view_ticket,
)
from ..status import TicketStatus, behaviour
from .common import Change, author_fields, clean_body, record_changes, store_attachments
from .deliveries import delivery_queue

# --- messages -----------------------------------------------------------------------------------

def message_create(
    *,
    actor: User,
    ticket: Ticket,
    body: str,
    body_html: str = "",
    internal: bool = False,
    channel: str | None = None,
    uploads: Sequence[UploadedFile] = (),
    template: tuple[int, Sequence[str]] | None = None,
    deliver: bool = True,
) -> Message:
    """`template` (id, variables): send the channel's pre-approved template instead of `body` (the
    only reply a channel with a closed reply window takes); a free-form public reply while the
    window is closed is a Conflict, so it never fails silently on the way out. `deliver` False: a
    public message that records what the customer already heard (a logged phone call), which no
    channel sends them again."""
    if template is not None and (internal or uploads):
        raise Invalid(_("A template is sent alone, as a public reply."), code="template_alone")
    text, html = clean_body(body, body_html) if template is None else ("", "")
    checked = [check_upload(u) for u in uploads]
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if not can_view_ticket(actor, ticket):
            raise NotFound()
        allowed = can_add_internal_note(actor, ticket) if internal else can_reply_publicly(actor, ticket)
        if not allowed:
            if behaviour(ticket.status).is_terminal:
                raise Conflict(_("This ticket is closed; open a new request instead."))
            raise Forbidden()
        author = author_fields(actor, ticket)
        payload: dict = {}
        if template is not None:
            rendered = channels.template_render(ticket, template[0], list(template[1]))
            if rendered is None:
                raise Invalid(_("This ticket's channel has no templates."), code="no_templates")
            (text, html), payload = clean_body(rendered.text, ""), rendered.payload
        elif not internal and deliver and author["author_kind"] == AuthorKind.AGENT:
            _check_reply_window(ticket)
        return _append(ticket, author, actor, text, html, internal, channel or Channel.API, checked, payload=payload,
                       deliver=deliver)


def _check_reply_window(ticket: Ticket) -> None:
    window = channels.reply_window(ticket)
    if window is not None and not window.open:
        raise Conflict(_("Free-form replies on this channel are only possible within 24 hours of the customer's "
                         "last message; send one of the approved templates instead."), code="reply_window_closed")


def channel_message_create(
    *,
    ticket: Ticket,
    author: Customer | User | None,
    body: str,
    body_html: str = "",
    channel: str,
    uploads: Sequence[UploadedFile] = (),
    internal: bool = False,
) -> Message:
    """A message that came through a channel trusted to say who wrote it (an email's sender, a
    signed reply token), so no viewer permission applies: a person copied on the thread may
    answer it. `author` None is the system (bounces, automatic mail), which only writes notes.
    A closed ticket takes nothing: Conflict, and the caller opens a follow-up."""
    text, html = clean_body(body, body_html)
    checked = [check_upload(u) for u in uploads]
    if isinstance(author, Customer):
        fields, actor = {"author_kind": AuthorKind.CUSTOMER, "author_customer": author, "author_user": author.user}, author.user
    else:
        fields, actor = author_fields(author, ticket), author
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if behaviour(ticket.status).is_terminal:
            raise Conflict(_("This ticket is closed; open a new request instead."))
        return _append(ticket, fields, actor, text, html, internal or author is None, channel, checked)


def system_message_send(*, actor: User, ticket: Ticket, body: str) -> Message:
    """A public message the product writes to the customer on its own (the knowledge base's
    first-responder bot), delivered on the ticket's channel like a reply. No person answered, so
    it is a system message (author kind system; `actor`, a system actor, is kept as its user): it
    stops no SLA clock, opens no new ticket and counts as no agent's reply. Only system actors may
    (else Forbidden); a closed ticket takes nothing (Conflict)."""
    if not is_system(actor):
        raise Forbidden()
    text, html = clean_body(body, "")
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if behaviour(ticket.status).is_terminal:
            raise Conflict(_("This ticket is closed; open a new request instead."))
        return _append(ticket, {"author_kind": AuthorKind.SYSTEM, "author_user": actor}, actor, text, html, False,
                       ticket.channel, [])


def _append(ticket: Ticket, author: dict, actor: User | None, text: str, html: str, internal: bool, channel: str,
            checked: Sequence, *, payload: dict | None = None, deliver: bool = True) -> Message:
    """Store the message on the locked ticket, move its status, then tell the subscribers (SLA
    moves its clocks: the status change first, then the message)."""
    now = clock.now()
    message = Message.objects.create(
        ticket=ticket,
        kind=MessageKind.INTERNAL if internal else MessageKind.PUBLIC,
        channel=channel,
        body_text=text,
        body_html=html,
        created_at=now,
        **author,
    )
    store_attachments(message, checked)
    answers = not internal and author["author_kind"] == AuthorKind.AGENT
    speaks = answers or (not internal and author["author_kind"] == AuthorKind.SYSTEM)  # system_message_send
    if speaks and deliver:
        delivery_queue(message, payload=payload or {})  # the adapter of the ticket's channel sends it after commit
    changes = _status_after_message(ticket, author["author_kind"], internal)
    ticket.updated_at = now
    fields = ["status", "updated_at"]
    if answers and ticket.agreed_at is not None:  # the agreed time (a call back) is met
        ticket.agreed_at = None
        fields.append("agreed_at")
    ticket.save(update_fields=fields)
    if changes:
        record_changes(ticket, actor, changes)
        hooks.ticket_changed(ticket, actor=actor, changes=changes)
    hooks.message_added(message, actor=actor)
    broadcast_ticket_changed(ticket_id=ticket.pk, message_id=message.pk, actor_id=actor.pk if actor else None)
    return message


def _status_after_message(ticket: Ticket, author_kind: str, internal: bool) -> list[Change]:
    """A customer's reply reopens a ticket waiting on them or solved; an agent's first reply opens it."""
    if internal:
        return []
    old = ticket.status
    if author_kind == AuthorKind.CUSTOMER and old in (TicketStatus.PENDING_CUSTOMER, TicketStatus.SOLVED):
        ticket.status = TicketStatus.OPEN
    elif author_kind == AuthorKind.AGENT and old == TicketStatus.NEW:
        ticket.status = TicketStatus.OPEN
    return [("status", old, ticket.status)] if ticket.status != old else []

