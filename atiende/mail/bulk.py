"""Imports: many messages per transaction, the common ones stored in bulk.

`ingest_many` gives the same result as calling `ingest` on each message in order. It commits a
batch at a time (all of it or nothing, so a crash leaves nothing half-imported and a re-run skips
what was committed). It also sorts each batch:
- **The bulk path.** Plain new requests, and customers' replies that change nothing but the
  conversation, are stored with a few queries for the whole batch (`tickets.services.imports`).
- **One at a time.** Everything that needs a decision per message goes through `ingest`:
  automatic mail, signed tokens, `[#n]`, subject threading, Cc, oversized parts, unreadable
  messages, and replies to tickets whose status or SLA would move.
Imports never answer anyone.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from atiende.core import clock
from atiende.customers.identities import normalize_identity
from atiende.customers.services import customers_get_or_create_by_emails
from atiende.sla.models import Policy
from atiende.tickets.models import Channel, ChannelReceipt, InboundOutcome, Ticket
from atiende.tickets.services.imports import (
    IncomingReply,
    IncomingTicket,
    channel_replies_import,
    channel_tickets_import,
    save_new_file,
    takes_reply_quietly,
)

from .automatic import classify
from .models import InboundKind, InboundMessage, Mailbox, OutboundEmail
from .parsing import ParsedMessage, Quarantine, parse_message
from .reply import split_reply
from .services import (
    REPLY_PREFIX,
    TICKET_REFERENCE,
    Outcome,
    body_text,
    ingest,
    link_inline_images,
    message_key,
    recipients_of,
    sender_checks_apply,
    uploads_of,
)
from .tokens import token_in

BATCH = 200


@dataclass(eq=False)  # items are compared by identity (a field-by-field == compared raw bytes)
class _Item:
    raw: bytes
    parsed: ParsedMessage | None = None
    key: str = ""
    slow: bool = True
    ticket: Ticket | None = None  # a reply's ticket, known before this batch
    answers: _Item | None = None  # a reply to a new request of this same batch
    record: InboundMessage | None = None
    extra: dict = field(default_factory=dict)


def ingest_many(raws: Iterable[bytes], *, source: str, mailbox: Mailbox | None = None, batch: int = BATCH,
                progress: Callable[[Counter], None] | None = None) -> Counter:
    """Take in every message, a batch per transaction; returns how many ended in each outcome.
    `progress` hears each committed batch's outcomes."""
    counts: Counter = Counter()
    for chunk in _chunks(raws, batch):
        try:
            with transaction.atomic():
                done = _take_batch(chunk, source, mailbox)
        except IntegrityError:  # another process took some of these meanwhile: one by one
            with transaction.atomic():
                done = Counter(ingest(raw, source=source, mailbox=mailbox, answer=False).outcome for raw in chunk)
        counts.update(done)
        if progress is not None:
            progress(done)
    return counts


def _chunks(raws: Iterable[bytes], size: int) -> Iterator[list[bytes]]:
    iterator = iter(raws)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _take_batch(raws: list[bytes], source: str, mailbox: Mailbox | None) -> Counter:
    counts: Counter = Counter()
    items = [_sorted(raw) for raw in raws]
    if sender_checks_apply(source):  # each sender is checked, one at a time
        for item in items:
            item.slow = True
    _drop_duplicates(items, counts)
    _thread(items)
    fast = [item for item in items if not item.slow and item.key]
    senders = customers_get_or_create_by_emails({item.parsed.from_address: item.parsed.from_name for item in fast})
    new = [item for item in fast if item.ticket is None and item.answers is None]
    replies = [item for item in fast if item.ticket is not None or item.answers is not None]
    team = mailbox.team if mailbox else None
    first_messages = channel_tickets_import(
        [IncomingTicket(senders[_address(item)], item.parsed.subject or _("(no subject)"), body_text(item.parsed.text),
                        item.parsed.html, team, uploads_of(item.parsed)) for item in new],
        channel=Channel.EMAIL, acknowledge=False,
    )
    for item, message in zip(new, first_messages, strict=True):
        item.extra.update(ticket=message.ticket, message=message, kind=InboundKind.NEW_TICKET)
    reply_messages = channel_replies_import(
        [IncomingReply(item.ticket or item.answers.extra["ticket"], senders[_address(item)],
                       body_text(split_reply(item.parsed.text)[0]), uploads_of(item.parsed)) for item in replies],
        channel=Channel.EMAIL,
    )
    for item, message in zip(replies, reply_messages, strict=True):
        item.extra.update(ticket=message.ticket, message=message, kind=InboundKind.REPLY)
    _record(fast, source, mailbox)
    counts.update([Outcome.NEW_TICKET] * len(new) + [Outcome.REPLY] * len(replies))
    for item in items:
        if item.slow:
            counts[ingest(item.raw, source=source, mailbox=mailbox, answer=False).outcome] += 1
    return counts


def _sorted(raw: bytes) -> _Item:
    """Parse and decide whether the message can take the bulk path."""
    item = _Item(raw)
    if len(raw) > settings.MAIL_MAX_MESSAGE_BYTES:
        return item
    try:
        parsed = parse_message(raw, max_attachment_bytes=settings.ATTACHMENT_MAX_BYTES)
    except Quarantine:
        return item
    item.parsed, item.key = parsed, message_key(parsed)
    needs_a_decision = (
        not _valid_address(parsed.from_address) or parsed.cc or parsed.oversized_attachments or classify(parsed) is not None
        or TICKET_REFERENCE.search(parsed.subject) or token_in(recipients_of(parsed)) is not None
    )
    item.slow = bool(needs_a_decision)
    return item


def _drop_duplicates(items: list[_Item], counts: Counter) -> None:
    keys = [item.key for item in items if item.key]
    known = set(ChannelReceipt.objects.filter(channel=Channel.EMAIL, external_id__in=keys)
                .values_list("external_id", flat=True))
    seen: set[str] = set()
    for item in items:
        if not item.key:
            continue
        if item.key in known or item.key in seen:
            counts[Outcome.DUPLICATE] += 1
            item.key, item.slow = "", False  # nothing more to do for it
        seen.add(item.key)


def _thread(items: list[_Item]) -> None:
    """Find each reply's ticket: a request of this batch, or one we already hold and that a
    customer's reply leaves as it is; anything else goes one at a time, after the bulk."""
    by_header = {item.parsed.message_id: item for item in items if item.parsed and item.key and item.parsed.message_id}
    wanted = {value[:255] for item in items if item.parsed and item.key for value in item.parsed.thread_ids}
    known = _tickets_by_header(wanted)
    policies = Policy.objects.filter(active=True).exists()
    for item in items:
        if item.slow or not item.key:
            continue
        for header in item.parsed.thread_ids:
            earlier = by_header.get(header)
            if earlier is not None and earlier is not item:
                if earlier.slow or policies:
                    item.slow = True  # its ticket is made one at a time, or its clocks will move
                else:  # answers a request of this batch, directly or through another reply
                    item.ticket, item.answers = earlier.ticket, earlier.answers or (None if earlier.ticket else earlier)
                break
            if header[:255] in known:
                ticket = known[header[:255]]
                item.ticket = ticket
                item.slow = not takes_reply_quietly(ticket)
                break
        else:
            if REPLY_PREFIX.match(item.parsed.subject):
                item.slow = True  # may thread by subject


def _tickets_by_header(headers: set[str]) -> dict[str, Ticket]:
    if not headers:
        return {}
    pairs = list(OutboundEmail.objects.filter(header_id__in=headers).values_list("header_id", "ticket_id"))
    pairs += list(InboundMessage.objects.filter(header_id__in=headers, ticket__isnull=False)
                  .values_list("header_id", "ticket_id"))
    tickets = Ticket.objects.in_bulk({ticket_id for _header, ticket_id in pairs})
    return {header: tickets[ticket_id] for header, ticket_id in pairs if ticket_id in tickets}


def _record(items: list[_Item], source: str, mailbox: Mailbox | None) -> None:
    """The port's receipts (the same rows `ingest` writes, so either path finds what the other
    took in) and mail's records. A receipt another process wrote meanwhile fails the batch,
    which is then taken in one message at a time."""
    now = clock.now()
    ChannelReceipt.objects.bulk_create([
        ChannelReceipt(channel=Channel.EMAIL, external_id=item.key, ticket=item.extra["ticket"],
                       message=item.extra["message"], received_at=now, created_at=now,
                       outcome=InboundOutcome.NEW_TICKET if item.extra["kind"] == InboundKind.NEW_TICKET
                       else InboundOutcome.REPLY)
        for item in items
    ])
    records = []
    for item in items:
        parsed = item.parsed
        record = InboundMessage(
            key=item.key, header_id=(parsed.message_id or "")[:255], source=source, mailbox=mailbox,
            sender=parsed.from_address[:255], subject=parsed.subject[:255], kind=item.extra["kind"],
            ticket=item.extra["ticket"], message=item.extra["message"],
        )
        save_new_file(record, "raw", "message.eml", item.raw)
        records.append(record)
        link_inline_images(item.extra["message"], parsed)
    InboundMessage.objects.bulk_create(records)


def _address(item: _Item) -> str:
    return item.parsed.from_address


@functools.lru_cache(maxsize=4096)  # senders write again and again
def _valid_address(address: str) -> bool:
    try:
        normalize_identity("email", address)
    except ValidationError:
        return False
    return True
