"""Taking in a message from a channel: the one ticket service behind every channel adapter.

`inbound_receive(inbound)` does, in one transaction:
1. inserts the (channel, external id) receipt first: a retry of the same message (also one that
   races this one on another worker) finds it and gets the first result back, creating nothing;
2. finds or creates the customer by the sender's identity (`customers.services`);
3. threads by the ticket the adapter proved it answers (`Inbound.ticket_id`, mail's threading),
   else by the (channel, thread key) table: the conversation's ticket takes the message (a
   solved ticket reopens), a merged ticket's survivor takes it, and a closed ticket gets a new
   ticket linked to it as a follow-up, which the conversation then continues on (the rules mail
   follows, decision 0009); a sender the channel could not confirm always opens a new ticket;
4. appends the message through `channel_ticket_create` / `channel_message_create`, so the
   attachment checks, status changes, SLA clocks, history and live updates are the usual ones,
   and acknowledges a ticket it opens through the channel's adapter after commit (unless the
   adapter says not to: `Inbound.acknowledge`).
`inbound_note` takes in once, the same way, what no person wrote (mail's bounces).
Bad input is an `Invalid` (or `TooLarge` for a file over the cap) and nothing is stored.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import IntegrityError, transaction
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from atiende.accounts.models import Team, User, UserKind
from atiende.accounts.services import system_actor
from atiende.core import clock
from atiende.core.exceptions import Conflict, Invalid
from atiende.customers.identities import normalize_identity
from atiende.customers.models import Customer, IdentityKind
from atiende.customers.services import customer_get_or_create_by_identity

from ..attachments import check_upload
from ..inbound import Inbound, InboundFile, InboundResult
from ..models import (
    Channel,
    ChannelReceipt,
    ChannelThread,
    InboundOutcome,
    LinkKind,
    Message,
    Ticket,
)
from ..status import TicketStatus, behaviour
from .lifecycle import channel_ticket_create
from .messages import channel_message_create
from .relations import ticket_link

# Channels whose messages come from outside; portal and API tickets are made by signed-in people
# through `ticket_create` / `message_create`, with their permissions.
INBOUND_CHANNELS = frozenset({Channel.EMAIL, Channel.WHATSAPP, Channel.TELEGRAM, Channel.PHONE, Channel.CHAT})
MAX_KEY_CHARS = 255
MAX_FILES = 20
# An email's attachments are already bounded by its size and by mail's parser (mail/parts.py),
# and mail always took them all: an email with 30 scanned pages is not refused.
MAX_FILES_BY_CHANNEL = {Channel.EMAIL: 1000}
SUBJECT_CHARS = 80
MERGE_HOPS = 10


def inbound_receive(inbound: Inbound) -> InboundResult:
    """Take in one message from a channel (see the module's docstring). Called inside the
    adapter's own transaction (mail stores its original with it), the receipt is still the
    first row this service writes, and a duplicate is answered without writing anything."""
    external_id, thread_key = _checked(inbound)
    earlier = _earlier(inbound.channel, external_id)
    if earlier is not None:
        return earlier  # before the files are read: a retry is answered whatever it carries
    uploads = _uploads(inbound.files)

    def take() -> tuple[str, Ticket | None, Message | None]:
        customer = customer_get_or_create_by_identity(
            kind=inbound.sender.kind, value=inbound.sender.value, name=inbound.sender.name,
        )
        return _take_in(inbound, thread_key, customer, uploads)

    return _once(inbound.channel, external_id, inbound.received_at, take)


def inbound_note(*, channel: str, external_id: str, ticket_id: int | None, text: str,
                 received_at: datetime | None = None) -> InboundResult:
    """Take in what no person wrote (mail's bounces and out-of-office replies) once, like a
    message (the same receipt, inserted first): kept as the system's internal note on `ticket_id`
    (or the ticket it was merged into) while that ticket is open, else only recorded. Outcome
    `note`; it opens no ticket, answers no one and names no customer."""
    if channel not in INBOUND_CHANNELS:
        raise Invalid(_("Unknown channel."), fields={"channel": _("Unknown channel.")})
    external_id = _key(external_id, "external_id")
    if not external_id:
        raise Invalid(fields={"external_id": _("This field is required.")})
    earlier = _earlier(channel, external_id)
    if earlier is not None:
        return earlier

    def take() -> tuple[str, Ticket | None, Message | None]:
        ticket = _hinted(ticket_id)
        if ticket is None or behaviour(ticket.status).is_terminal:
            return InboundOutcome.NOTE, None, None
        note = channel_message_create(ticket=ticket, author=None, body=text, channel=channel, internal=True)
        return InboundOutcome.NOTE, ticket, note

    return _once(channel, external_id, received_at, take)


def _once(channel: str, external_id: str, received_at: datetime | None,
          take: Callable[[], tuple[str, Ticket | None, Message | None]]) -> InboundResult:
    """Run `take` after inserting the receipt, in one transaction; a copy taken in meanwhile (by
    another worker) gets the first result back."""
    try:
        with transaction.atomic():
            # The receipt goes in first: a concurrent copy of this message waits on it, then fails.
            receipt = ChannelReceipt.objects.create(
                channel=channel, external_id=external_id, received_at=received_at or clock.now(),
            )
            outcome, ticket, message = take()
            receipt.outcome, receipt.ticket, receipt.message = outcome, ticket, message
            receipt.save(update_fields=["outcome", "ticket", "message"])
    except IntegrityError:
        earlier = _earlier(channel, external_id)
        if earlier is not None:
            return earlier
        raise
    return InboundResult(outcome, ticket.pk if ticket else None, message.pk if message else None)


# --- checks -------------------------------------------------------------------------------------

def _checked(inbound: Inbound) -> tuple[str, str]:
    """Refuse what no channel should hand over; return the external id and thread key, stripped."""
    if inbound.channel not in INBOUND_CHANNELS:
        raise Invalid(_("Unknown channel."), fields={"channel": _("Unknown channel.")})
    external_id = _key(inbound.external_id, "external_id")
    if not external_id:
        raise Invalid(fields={"external_id": _("This field is required.")})
    thread_key = _key(inbound.thread_key, "thread_key")
    sender = inbound.sender
    if sender.kind not in IdentityKind.values:
        raise Invalid(_("Unknown identity kind."), fields={"sender": _("Unknown identity kind.")})
    try:
        normalize_identity(sender.kind, sender.value)
    except ValidationError as exc:
        raise Invalid(" ".join(exc.messages), fields={"sender": " ".join(exc.messages)}) from None
    if not (inbound.text or "").strip() and not (inbound.html or "").strip() and not inbound.files:
        raise Invalid(_("A message needs text or a file."), fields={"text": _("A message needs text or a file.")})
    most = MAX_FILES_BY_CHANNEL.get(inbound.channel, MAX_FILES)
    if len(inbound.files) > most:
        raise Invalid(fields={"files": _("At most %(count)s files per message.") % {"count": most}})
    when = inbound.received_at
    if when is not None and (not isinstance(when, datetime) or when.tzinfo is None or when.utcoffset() is None):
        raise Invalid(fields={"received_at": _("Give the time with its time zone.")})
    return external_id, thread_key


def _key(value: str, field: str) -> str:
    key = (value or "").strip() if isinstance(value, str) else None
    if key is None or len(key) > MAX_KEY_CHARS or any(ord(char) < 32 for char in key):
        raise Invalid(fields={field: _("At most %(count)s printable characters.") % {"count": MAX_KEY_CHARS}})
    return key


def _uploads(files: Sequence[InboundFile]) -> list[UploadedFile]:
    """The files as uploads, each checked as any attachment is (size cap, sniffed type, safe name)."""
    uploads = []
    for item in files:
        content = item.content
        if isinstance(content, (bytes, bytearray, memoryview)):
            upload: UploadedFile = SimpleUploadedFile(item.name or "", bytes(content), item.content_type or None)
        else:
            try:
                size = content.seek(0, io.SEEK_END)
                content.seek(0)
            except (AttributeError, OSError, ValueError):  # not a file, closed, or not seekable
                raise Invalid(fields={"files": _("A file must be bytes or a readable file.")}) from None
            upload = UploadedFile(file=content, name=item.name or "", content_type=item.content_type or None, size=size)
        if item.size is not None and item.size != upload.size:
            raise Invalid(_("%(name)s arrived incomplete.") % {"name": item.name},
                          fields={"files": _("The file's size is not the size announced.")})
        check_upload(upload)
        uploads.append(upload)
    return uploads


def _earlier(channel: str, external_id: str) -> InboundResult | None:
    receipt = ChannelReceipt.objects.filter(channel=channel, external_id=external_id).first()
    if receipt is None:
        return None
    return InboundResult(receipt.outcome, receipt.ticket_id, receipt.message_id, duplicate=True)


# --- threading ----------------------------------------------------------------------------------

def _take_in(inbound: Inbound, thread_key: str, customer: Customer, uploads: list[UploadedFile],
             *, again: bool = True) -> tuple[str, Ticket, Message]:
    if inbound.unverified_sender:  # the sender may be anyone: never someone's message on their ticket
        ticket, message = _new_ticket(inbound, customer, uploads, follows=None)
        return InboundOutcome.NEW_TICKET, ticket, message
    hinted = _hinted(inbound.ticket_id)
    if hinted is not None:
        return _answer(inbound, hinted, customer, uploads)
    thread = None
    if thread_key:
        thread = (ChannelThread.objects.select_for_update().select_related("ticket")
                  .filter(channel=inbound.channel, thread_key=thread_key).first())
    follows = None
    if thread is not None:
        ticket = _surviving(thread.ticket)
        try:
            message = channel_message_create(ticket=ticket, author=customer, body=_body(inbound), body_html=inbound.html,
                                             channel=inbound.channel, uploads=uploads)
        except Conflict:  # closed: the customer's message opens a follow-up
            follows = ticket
        else:
            _move(thread, ticket)
            return InboundOutcome.REPLY, ticket, message
    if thread is None and thread_key:
        try:
            with transaction.atomic():
                ticket, message = _new_ticket(inbound, customer, uploads, follows=None)
                ChannelThread.objects.create(channel=inbound.channel, thread_key=thread_key, ticket=ticket)
        except IntegrityError:
            if not again:
                raise
            # Another message of this new conversation opened it meanwhile: join that ticket.
            return _take_in(inbound, thread_key, customer, uploads, again=False)
        return InboundOutcome.NEW_TICKET, ticket, message
    ticket, message = _new_ticket(inbound, customer, uploads, follows=follows)
    if thread is not None:
        _move(thread, ticket)
    return (InboundOutcome.FOLLOW_UP if follows else InboundOutcome.NEW_TICKET), ticket, message


def _answer(inbound: Inbound, ticket: Ticket, customer: Customer,
            uploads: list[UploadedFile]) -> tuple[str, Ticket, Message]:
    """The message on the ticket the adapter proved it answers (`Inbound.ticket_id`)."""
    agent = None
    if inbound.agent_id is not None:
        agent = User.objects.filter(pk=inbound.agent_id, kind=UserKind.AGENT, is_active=True).first()
    try:
        message = channel_message_create(ticket=ticket, author=agent or customer, body=_body(inbound),
                                         body_html=inbound.html, channel=inbound.channel, uploads=uploads)
    except Conflict:  # closed: the message opens a follow-up
        ticket, message = _new_ticket(inbound, customer, uploads, follows=ticket)
        return InboundOutcome.FOLLOW_UP, ticket, message
    return InboundOutcome.REPLY, ticket, message


def _hinted(ticket_id: int | None) -> Ticket | None:
    if ticket_id is None:
        return None
    ticket = Ticket.objects.filter(pk=ticket_id).first()
    return _surviving(ticket) if ticket is not None else None


def _new_ticket(inbound: Inbound, customer: Customer, uploads: list[UploadedFile], *,
                follows: Ticket | None) -> tuple[Ticket, Message]:
    # The acknowledgement goes out after commit through the adapter of the ticket's channel (the
    # one the customer wrote on), by `tickets.acknowledge_ticket`: never an email they did not write.
    team = follows.team if follows else (Team.objects.filter(pk=inbound.team_id).first() if inbound.team_id else None)
    ticket, message = channel_ticket_create(
        requester=customer, subject=_subject(inbound), body=_body(inbound), body_html=inbound.html,
        channel=inbound.channel, team=team, uploads=uploads, acknowledge=inbound.acknowledge,
        unverified_sender=inbound.unverified_sender,
    )
    if follows is not None:  # a change the channel makes: the link service records and broadcasts it
        ticket_link(actor=channel_actor(inbound.channel), source=follows, target=ticket, kind=LinkKind.RELATED)
    return ticket, message


def channel_actor(channel: str) -> User:
    """The system actor that acts for a channel: mail for email, "Channels" for the others."""
    return system_actor("mail" if channel == Channel.EMAIL else "channels")


def _move(thread: ChannelThread, ticket: Ticket) -> None:
    """The conversation continues on `ticket` (itself, a merge's survivor or a follow-up)."""
    thread.ticket, thread.updated_at = ticket, clock.now()
    thread.save(update_fields=["ticket", "updated_at"])


def _surviving(ticket: Ticket) -> Ticket:
    """Messages to a merged ticket go to the one it was merged into."""
    for _hop in range(MERGE_HOPS):
        if ticket.status != TicketStatus.MERGED or ticket.merged_into_id is None:
            return ticket
        ticket = Ticket.objects.get(pk=ticket.merged_into_id)
    return ticket


def _body(inbound: Inbound) -> str:
    return inbound.text if (inbound.text or "").strip() or (inbound.html or "").strip() else _("(This message had no text.)")


def _subject(inbound: Inbound) -> str:
    """The subject given, else the first line of the text, cut at a word."""
    if (inbound.subject or "").strip():
        return inbound.subject
    text = (inbound.text or "").strip() or strip_tags(inbound.html or "").strip()
    line = " ".join(next((line for line in text.splitlines() if line.strip()), "").split())
    if not line:
        return _("Message with attachments") if inbound.files else ""
    if len(line) <= SUBJECT_CHARS:
        return line
    return line[:SUBJECT_CHARS + 1].rsplit(" ", 1)[0].rstrip(" ,.;:") + "…"
