"""Many tickets and replies at once, for imports: the channel services' rules in a handful of
queries instead of a dozen per message.

Only what needs no per-ticket decision is taken here: new tickets, and customers' replies to
tickets that are new, open or on hold and not under an SLA policy (their status and clocks do
not move). The ticket hooks hear of them in one call each (`tickets_imported`,
`replies_imported`), so a subscriber can act on the batch. Callers send everything else through `channel_ticket_create` and
`channel_message_create`, one at a time.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import UploadedFile
from django.db import models

from atiende.accounts.models import Team
from atiende.core import clock
from atiende.core.broadcast import broadcast_messages_created, broadcast_tickets_changed
from atiende.core.jobs import enqueue_after_commit
from atiende.customers.models import Customer

from .. import hooks
from ..attachments import check_upload
from ..models import (
    Attachment,
    AuthorKind,
    Message,
    MessageKind,
    Priority,
    Ticket,
    TicketEvent,
    TicketType,
)
from ..numbering import next_ticket_numbers
from ..status import TicketStatus
from ..tasks import acknowledge_ticket
from .common import clean_body

# A customer's message changes nothing else on tickets in these statuses (see messages.py).
QUIET_STATUSES = frozenset({TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.ON_HOLD})


@dataclass
class IncomingTicket:
    requester: Customer
    subject: str
    body: str
    body_html: str = ""
    team: Team | None = None
    uploads: Sequence[UploadedFile] = field(default_factory=tuple)


@dataclass
class IncomingReply:
    ticket: Ticket
    author: Customer
    body: str
    uploads: Sequence[UploadedFile] = field(default_factory=tuple)


def takes_reply_quietly(ticket: Ticket) -> bool:
    """True when a customer's reply would change nothing but the conversation."""
    return ticket.status in QUIET_STATUSES and ticket.sla_policy_id is None


def channel_tickets_import(items: Sequence[IncomingTicket], *, channel: str, acknowledge: bool) -> list[Message]:
    """Open one ticket per item; returns each ticket's first message, in order."""
    if not items:
        return []
    now = clock.now()
    bodies = [clean_body(item.body, item.body_html) for item in items]
    uploads = [[check_upload(upload) for upload in item.uploads] for item in items]
    tickets = [
        Ticket(
            number=number, subject=" ".join(item.subject.split())[:250], status=TicketStatus.NEW,
            priority=Priority.NORMAL, type=TicketType.QUESTION, channel=channel, requester=item.requester,
            organization_id=item.requester.organization_id, team=item.team, created_at=now, updated_at=now,
        )
        for number, item in zip(next_ticket_numbers(len(items)), items, strict=True)
    ]
    Ticket.objects.bulk_create(tickets)
    messages = [
        _message(ticket, item.requester, text, html, channel, now)
        for ticket, item, (text, html) in zip(tickets, items, bodies, strict=True)
    ]
    Message.objects.bulk_create(messages)
    _store_attachments(messages, uploads)
    TicketEvent.objects.bulk_create([
        TicketEvent(ticket=ticket, actor_id=item.requester.user_id, field="created", new_value=ticket.reference, created_at=now)
        for ticket, item in zip(tickets, items, strict=True)
    ])
    hooks.tickets_imported(list(zip(tickets, messages, strict=True)))
    if acknowledge:
        for ticket in tickets:
            enqueue_after_commit(acknowledge_ticket, ticket_id=ticket.pk)
    broadcast_tickets_changed(ticket_ids=[ticket.pk for ticket in tickets])
    return messages


def channel_replies_import(items: Sequence[IncomingReply], *, channel: str) -> list[Message]:
    """Add customers' replies to tickets for which `takes_reply_quietly` holds."""
    if not items:
        return []
    if not all(takes_reply_quietly(item.ticket) for item in items):
        raise ValueError("channel_replies_import takes only replies that move nothing; see takes_reply_quietly")
    now = clock.now()
    messages = [
        _message(item.ticket, item.author, *clean_body(item.body, ""), channel, now) for item in items
    ]
    Message.objects.bulk_create(messages)
    _store_attachments(messages, [[check_upload(upload) for upload in item.uploads] for item in items])
    Ticket.objects.filter(pk__in={item.ticket.pk for item in items}).update(updated_at=now)
    hooks.replies_imported(messages)
    broadcast_messages_created(messages=[(message.ticket_id, message.pk) for message in messages])
    return messages


def _message(ticket: Ticket, author: Customer, text: str, html: str, channel: str, now) -> Message:
    return Message(
        ticket=ticket, kind=MessageKind.PUBLIC, channel=channel, body_text=text, body_html=html, created_at=now,
        author_kind=AuthorKind.CUSTOMER, author_customer=author, author_user_id=author.user_id,
    )


def _store_attachments(messages: Sequence[Message], uploads: Sequence[Sequence]) -> None:
    attachments = []
    for message, checked_uploads in zip(messages, uploads, strict=True):
        for checked in checked_uploads:
            attachment = Attachment(message=message, filename=checked.filename, content_type=checked.content_type,
                                    size=checked.size)
            checked.upload.seek(0)
            save_new_file(attachment, "file", checked.filename, checked.upload.read())
            attachments.append(attachment)
    Attachment.objects.bulk_create(attachments)


def save_new_file(instance: models.Model, field_name: str, filename: str, content: bytes) -> None:
    """`instance.<field_name>.save(filename, ContentFile(content), save=False)`, made quicker
    for imports, which write thousands of files under fresh random names.

    On the local file system `FileSystemStorage.save` spends most of its time on what such
    files never need: asking whether the name is free, locking, validating the name three times.
    Here the file is created exclusively (O_EXCL, as the storage does) with the storage's
    permissions and group; a name that is taken, another storage class or any storage option
    that changes how files are written goes through the storage's own `save`.
    """
    field_file = getattr(instance, field_name)
    field_ = field_file.field
    name = field_.generate_filename(instance, filename)
    storage = field_file.storage
    written = (
        storage.__class__ is FileSystemStorage  # (default_storage is a proxy: not type())
        and storage.directory_permissions_mode is None
        and not getattr(storage, "_allow_overwrite", False) and len(name) <= (field_.max_length or len(name))
        and _write_exclusively(storage, name, content)
    )
    if written:
        setattr(instance, field_.attname, name)
    else:
        field_file.save(filename, ContentFile(content), save=False)


def _write_exclusively(storage: FileSystemStorage, name: str, content: bytes) -> bool:
    """Create `name` with `content`; False when the name is taken."""
    path = storage.path(name)  # refuses names that leave the storage
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        try:
            fd = os.open(path, flags, 0o666)
        except FileNotFoundError:  # the first file of its folder
            os.makedirs(os.path.dirname(path), exist_ok=True)
            fd = os.open(path, flags, 0o666)
    except FileExistsError:
        return False
    try:
        view = memoryview(content)
        while view:
            view = view[os.write(fd, view):]
        if storage.file_permissions_mode is not None:
            os.fchmod(fd, storage.file_permissions_mode)
        location_gid = os.stat(storage.location).st_gid
        if os.fstat(fd).st_gid != location_gid:
            try:
                os.fchown(fd, -1, location_gid)
            except PermissionError:
                pass
    finally:
        os.close(fd)
    return True
