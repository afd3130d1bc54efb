"""Taking in an email: parse, recognise automatic mail, check the sender, thread, hand it to the
channel port (`tickets.services.inbound_receive`), keep what is mail's own.

Every source (IMAP, `atiende mail ingest`, the HTTP endpoint) calls `ingest`. A message is taken
in once: its key (Message-ID, or a hash of its bytes when it has none) is the external id of the
port's receipt, inserted first in the transaction that stores the ticket or reply it becomes and
this app's `InboundMessage` (the original, Cc, the sender's verdict, the kind), so a second
delivery — or a crash between fetching and committing followed by a new fetch — finds the
receipt and creates nothing. A message that cannot be read is kept whole in quarantine, never
dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from atiende.accounts.models import User, UserKind
from atiende.core import clock
from atiende.core.exceptions import Invalid, TooLarge
from atiende.core.jobs import enqueue_after_commit
from atiende.customers.identities import normalize_identity
from atiende.customers.models import IdentityKind
from atiende.customers.services import email_mark_undeliverable
from atiende.tickets.inbound import Inbound, InboundFile, SenderIdentity
from atiende.tickets.models import Channel, InboundOutcome, Message, Ticket
from atiende.tickets.services import (
    channel_message_create,
    inbound_note,
    inbound_receive,
    ticket_copied_agents_record,
)
from atiende.tickets.status import TicketStatus, behaviour

from . import tasks
from .authresults import SenderCheck, sender_check
from .automatic import Automatic, AutomaticKind, classify
from .inline import rewrite_cid_sources
from .models import (
    AutoReplyLog,
    InboundKind,
    InboundMessage,
    Mailbox,
    OutboundEmail,
    QuarantinedMessage,
    Source,
)
from .parsing import ParsedMessage, Quarantine, parse_message
from .reply import split_reply
from .tokens import Person, ReplyToken, token_in

TICKET_REFERENCE = re.compile(r"\[#(\d{1,18})\]")
REPLY_PREFIX = re.compile(r"^\s*((re|fwd?|rv|res|aw|tr|wg)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
MAX_NOTE_CHARS = 4000


class Outcome:
    NEW_TICKET = "new_ticket"
    REPLY = "reply"
    DUPLICATE = "duplicate"
    AUTOMATIC = "automatic"
    QUARANTINED = "quarantined"


@dataclass(frozen=True)
class IngestResult:
    outcome: str
    ticket_id: int | None = None
    detail: str = ""


class _Refused(Exception):
    def __init__(self, code: str, reason: str, detail: str = "") -> None:
        super().__init__(code)
        self.code, self.reason, self.detail = code, reason, detail


def ingest(raw: bytes, *, source: str, mailbox: Mailbox | None = None, answer: bool = True) -> IngestResult:
    """Take in one raw RFC 5322 message; never raises for what the message contains.

    `answer` False sends no automatic mail (acknowledgements, size notices): imports of another
    helpdesk's history must not write to every customer again."""
    try:
        return _ingest(raw, source, mailbox, answer)
    except _Refused as refused:
        item = QuarantinedMessage(source=source, mailbox=mailbox, size=len(raw))
        item.raw.save("message.eml", ContentFile(raw), save=False)
        return _keep_in_quarantine(item, refused)


def quarantine_retry(item: QuarantinedMessage) -> IngestResult:
    """Try a quarantined message again (after a fix); it leaves quarantine once taken in."""
    with item.raw.open("rb") as handle:
        raw = handle.read()
    item.retried_at = clock.now()
    try:
        result = _ingest(raw, item.source, item.mailbox, answer=True)
    except _Refused as refused:
        return _keep_in_quarantine(item, refused)
    item.released = True
    item.save()
    return result


def _keep_in_quarantine(item: QuarantinedMessage, refused: _Refused) -> IngestResult:
    item.code, item.reason, item.detail = refused.code, refused.reason, refused.detail[:2000]
    item.save()
    return IngestResult(Outcome.QUARANTINED, detail=refused.reason)


def _ingest(raw: bytes, source: str, mailbox: Mailbox | None, answer: bool) -> IngestResult:
    if len(raw) > settings.MAIL_MAX_MESSAGE_BYTES:
        if answer:
            _tell_sender_too_large(raw, source)
        limit = settings.MAIL_MAX_MESSAGE_BYTES // (1024 * 1024)
        raise _Refused("too_large", _("The message is larger than the %(limit)s MB allowed.") % {"limit": limit},
                       f"{len(raw)} bytes")
    try:
        parsed = parse_message(raw, max_attachment_bytes=settings.ATTACHMENT_MAX_BYTES)
    except Quarantine as exc:
        raise _Refused(exc.code, exc.reason, exc.detail) from None
    automatic = classify(parsed)
    if not parsed.from_address and (automatic is None or automatic.by_wording):
        failure = Quarantine("no_sender")
        raise _Refused(failure.code, failure.reason)
    key = message_key(parsed)
    check = _check_sender(parsed, source)
    with transaction.atomic():
        # The port inserts the receipt first; the record and the original join it in this transaction.
        record = InboundMessage(
            key=key, header_id=(parsed.message_id or "")[:255], source=source, mailbox=mailbox,
            sender=parsed.from_address[:255], subject=parsed.subject[:255], kind=InboundKind.REPLY,
            sender_verdict=check.verdict if check else "", sender_detail=check.detail[:255] if check else "",
        )
        result = _take_in(parsed, automatic, record, mailbox, answer, check)
        if result is None:  # a copy taken in meanwhile, by another worker
            return IngestResult(Outcome.DUPLICATE)
        record.raw.save("message.eml", ContentFile(raw), save=False)
        record.save()
    if parsed.oversized_attachments and automatic is None and answer and not _unverified(check):
        _tell_sender_files_dropped(parsed)
    return result


def _tell_sender_too_large(raw: bytes, source: str) -> None:
    """Read only the headers of an oversized message to tell its (human) sender why it was refused;
    not when the receiving server could not verify that sender (the notice would go to whoever
    the From names)."""
    headers = BytesHeaderParser(policy=compat32).parsebytes(raw[:65536])
    sender = parseaddr(str(headers.get("From", "")))[1]
    automatic = any(headers.get(name) for name in ("Auto-Submitted", "Precedence", "List-Id", "X-Autoreply"))
    if sender_checks_apply(source):
        values = [(str(name).lower(), " ".join(str(value).split())) for name, value in headers.items()]
        check = sender_check(values, trusted_ids=settings.MAIL_TRUSTED_AUTHSERV_ID, from_domain=sender.rpartition("@")[2])
        automatic = automatic or not check.verified
    if sender and "@" in sender and not automatic and _may_auto_reply(sender):
        AutoReplyLog.objects.create(address=sender.lower())
        enqueue_after_commit(tasks.size_notice, address=sender, subject=str(headers.get("Subject", ""))[:200],
                             dropped=[], whole_message=True)


def _tell_sender_files_dropped(parsed: ParsedMessage) -> None:
    if _may_auto_reply(parsed.from_address):
        AutoReplyLog.objects.create(address=parsed.from_address.lower())
        enqueue_after_commit(tasks.size_notice, address=parsed.from_address, subject=parsed.subject[:200],
                             dropped=list(parsed.oversized_attachments), whole_message=False)


# --- who sent it ---------------------------------------------------------------------------------

def sender_checks_apply(source: str) -> bool:
    """Whether mail from `source` is checked against the receiving MTA's verdict: live mail (IMAP,
    HTTP) once MAIL_TRUSTED_AUTHSERV_ID is set. An admin's file import is history, taken as it is."""
    return bool(settings.MAIL_TRUSTED_AUTHSERV_ID) and source != Source.FILE


def _check_sender(parsed: ParsedMessage, source: str) -> SenderCheck | None:
    """The MTA's verdict on the From domain, or None when mail from `source` is not checked."""
    if not sender_checks_apply(source):
        return None
    return sender_check(parsed.headers, trusted_ids=settings.MAIL_TRUSTED_AUTHSERV_ID,
                        from_domain=parsed.from_address.rpartition("@")[2])


def _unverified(check: SenderCheck | None) -> bool:
    return check is not None and not check.verified


def _agent_by_token(token: ReplyToken | None, parsed: ParsedMessage, check: SenderCheck | None) -> User | None:
    """The agent a reply is from: a valid token made for that agent, sent from that agent's own
    address (a token forwarded to someone else is not the agent), by a sender not proven false."""
    if token is None or token.person != Person.AGENT or _unverified(check):
        return None
    agent = User.objects.filter(pk=token.person_id, kind=UserKind.AGENT, is_active=True).first()
    if agent is None or agent.email.lower() != parsed.from_address.lower():
        return None
    return agent


def _staff_sender(parsed: ParsedMessage, by_token: User | None, check: SenderCheck | None) -> User | None:
    """The agent who sent the message, only when that is proven: their token, or the receiving
    server's verdict for their own address. From alone proves nothing."""
    if by_token is not None:
        return by_token
    if check is None or not check.verified:
        return None
    return User.objects.filter(kind=UserKind.AGENT, is_active=True, email__iexact=parsed.from_address).first()


# --- one message --------------------------------------------------------------------------------

def _take_in(parsed: ParsedMessage, automatic: Automatic | None, record: InboundMessage,
             mailbox: Mailbox | None, answer: bool, check: SenderCheck | None) -> IngestResult | None:
    """Hand the message to the port and keep what is mail's own around it; None: a duplicate."""
    token = token_in(recipients_of(parsed), mailbox.address if mailbox else None)
    if automatic is not None and not automatic.by_wording:
        return _record_automatic(parsed, automatic, record, token, trusted=not _unverified(check))
    record.cc = [box.address for box in parsed.cc][:50]
    try:
        address = normalize_identity(IdentityKind.EMAIL, parsed.from_address)
    except ValidationError:
        raise _Refused("bad_sender", _("The sender's address is not valid."), parsed.from_address) from None
    agent = _agent_by_token(token, parsed, check)
    staff = _staff_sender(parsed, agent, check)
    unverified = _unverified(check)
    ticket = _thread(parsed, token, address)
    # Mail that only reads like a bounce still reaches agents, but gets no automatic answer; nor
    # does a sender the server could not verify (the answer would go to whoever From names).
    acknowledge = answer and automatic is None and not unverified and _may_auto_reply(parsed.from_address)
    answers = ticket is not None and not unverified and not behaviour(ticket.status).is_terminal
    text = split_reply(parsed.text)[0] if answers else parsed.text
    try:
        result = inbound_receive(Inbound(
            channel=Channel.EMAIL, external_id=record.key,
            sender=SenderIdentity(IdentityKind.EMAIL, parsed.from_address, parsed.from_name),
            text=body_text(text), html="" if answers else parsed.html,
            files=tuple(InboundFile(item.filename, item.content, item.content_type) for item in parsed.attachments),
            subject=parsed.subject.strip() or _("(no subject)"), team_id=mailbox.team_id if mailbox else None,
            ticket_id=None if unverified or ticket is None else ticket.pk,
            agent_id=agent.pk if agent is not None else None, unverified_sender=unverified, acknowledge=acknowledge,
        ))
    except (Invalid, TooLarge) as exc:  # the port refused it whole: kept in quarantine for a retry
        reason = str(exc.message or " ".join(str(value) for value in exc.fields.values()))
        raise _Refused("refused", _("The message could not be taken in: %(reason)s") % {"reason": reason},
                       str(exc.fields or "")) from None
    if result.duplicate:
        return None
    opened = result.outcome != InboundOutcome.REPLY
    if acknowledge and opened:
        AutoReplyLog.objects.create(address=parsed.from_address.lower())
    record.kind = InboundKind.NEW_TICKET if opened else InboundKind.REPLY
    record.ticket_id, record.message_id = result.ticket_id, result.message_id
    if parsed.html and "cid:" in parsed.html and opened:
        link_inline_images(Message.objects.get(pk=result.message_id), parsed)
    if unverified:
        _note_unverified(result.ticket_id, parsed, check, ticket)
    _copied_agents(result.ticket_id, result.message_id, record, None if unverified else staff)
    return IngestResult(Outcome.NEW_TICKET if opened else Outcome.REPLY, result.ticket_id)


def _note_unverified(ticket_id: int, parsed: ParsedMessage, check: SenderCheck | None, claimed: Ticket | None) -> None:
    """Tell agents on the new ticket that its sender is not proven, and which conversation it claimed."""
    ticket = Ticket.objects.get(pk=ticket_id)
    lines = [_("The mail server could not verify that this email comes from %(address)s (%(detail)s): "
               "anyone may have written it. Check with the customer before acting on it.") % {
        "address": parsed.from_address, "detail": (check.detail or check.verdict) if check else "",
    }]
    if claimed is not None and claimed.pk != ticket.pk:
        lines.append(_("It answers %(ticket)s, but was not added there because of that.") % {
            "ticket": claimed.reference,
        })
    channel_message_create(ticket=ticket, author=None, body="\n".join(lines), channel=Channel.EMAIL, internal=True)


def _copied_agents(ticket_id: int, message_id: int, record: InboundMessage, staff: User | None) -> None:
    """The rule for Cc: agents copied on the mail join the ticket only when a staff agent allowed
    on it sent it (proven); otherwise the ticket asks an agent to confirm each (`tickets.services.copies`)."""
    if not settings.MAIL_CC_AGENTS_COLLABORATE or not record.cc:
        return
    agents = list(User.objects.filter(kind=UserKind.AGENT, is_active=True, email__in=[a.lower() for a in record.cc])
                  .order_by("name", "id"))
    if agents:
        ticket_copied_agents_record(ticket=Ticket.objects.get(pk=ticket_id), agents=agents,
                                    message=Message.objects.get(pk=message_id), copied_by=record.sender, sender=staff)


def message_key(parsed: ParsedMessage) -> str:
    """The email's id on the port's receipts: its Message-ID, else (none, or one the port would
    refuse: control characters) a hash of its bytes."""
    key = (parsed.message_id or "")[:255].strip()
    if not key or any(ord(char) < 32 for char in key):
        key = f"sha256:{parsed.content_hash}"
    return key


def body_text(text: str) -> str:
    return text.strip() or _("(This message had no text.)")


def uploads_of(parsed: ParsedMessage) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(item.filename, item.content, item.content_type) for item in parsed.attachments]


def link_inline_images(message: Message, parsed: ParsedMessage) -> None:
    """Point the HTML's `cid:` images at the attachments they were stored as."""
    if not message.body_html or "cid:" not in message.body_html:
        return
    stored = list(message.attachments.order_by("id"))
    urls = {
        item.content_id: reverse("tickets:attachment", args=[attachment.public_id])
        for item, attachment in zip(parsed.attachments, stored, strict=False) if item.content_id
    }
    message.body_html = rewrite_cid_sources(message.body_html, urls)
    message.save(update_fields=["body_html"])


def recipients_of(parsed: ParsedMessage) -> list[str]:
    boxes = [box.address for box in (*parsed.to, *parsed.cc)]
    for name in ("delivered-to", "x-original-to", "envelope-to"):
        boxes += [value.strip().strip("<>") for value in parsed.header_values(name)]
    return boxes


def _may_auto_reply(address: str) -> bool:
    """At most MAIL_AUTO_REPLIES_PER_HOUR automatic mails to one address: loops stop by themselves."""
    since = clock.now() - timedelta(hours=1)
    sent = AutoReplyLog.objects.filter(address=address.lower(), sent_at__gte=since).count()
    return sent < settings.MAIL_AUTO_REPLIES_PER_HOUR


# --- threading ----------------------------------------------------------------------------------

def _thread(parsed: ParsedMessage, token: ReplyToken | None, sender: str) -> Ticket | None:
    """The ticket a message answers: signed token, then [#n] of the sender's ticket, then the
    Message-IDs we sent and received, then the same subject from the same sender recently."""
    ticket = None
    if token is not None:
        ticket = Ticket.objects.filter(pk=token.ticket_id).first()
    if ticket is None:
        ticket = _by_reference(parsed.subject, sender)
    if ticket is None:
        ticket = _by_message_ids(parsed.thread_ids)
    if ticket is None:
        ticket = _by_subject(parsed.subject, sender)
    return _surviving(ticket)


def _by_reference(subject: str, sender: str) -> Ticket | None:
    """A ticket named `[#n]` whose requester writes from `sender` (a normalized address)."""
    numbers = [int(n) for n in TICKET_REFERENCE.findall(subject)]
    if not numbers:
        return None
    return (Ticket.objects.filter(number__in=numbers, requester__identities__kind=IdentityKind.EMAIL,
                                  requester__identities__value=sender).order_by("-id").first())


def _by_message_ids(ids: tuple[str, ...]) -> Ticket | None:
    if not ids:
        return None
    ids = tuple(value[:255] for value in ids)
    sent = OutboundEmail.objects.filter(header_id__in=ids).values_list("ticket_id", flat=True).first()
    if sent is None:
        sent = (
            InboundMessage.objects.filter(header_id__in=ids, ticket__isnull=False)
            .values_list("ticket_id", flat=True).first()
        )
    return Ticket.objects.filter(pk=sent).first() if sent else None


def _by_subject(subject: str, sender: str) -> Ticket | None:
    base = REPLY_PREFIX.sub("", subject).strip()
    if not base or base == subject.strip():
        return None  # only an answer ("Re: …") threads by subject; a new message with an old subject is new
    since = clock.now() - timedelta(days=settings.MAIL_THREAD_WINDOW_DAYS)
    return (
        Ticket.objects.filter(requester__identities__kind=IdentityKind.EMAIL, requester__identities__value=sender,
                              subject__iexact=base[:250], updated_at__gte=since)
        .order_by("-updated_at").first()
    )


def _surviving(ticket: Ticket | None) -> Ticket | None:
    """Answers to a merged ticket go to the one it was merged into."""
    for _hop in range(10):
        if ticket is None or ticket.status != TicketStatus.MERGED:
            return ticket
        ticket = ticket.merged_into
    return ticket


# --- automatic mail -----------------------------------------------------------------------------

def _record_automatic(parsed: ParsedMessage, automatic: Automatic, record: InboundMessage,
                      token: ReplyToken | None, *, trusted: bool) -> IngestResult | None:
    """Keep it on the right ticket as a note (`inbound_note`), never answer it; a permanent bounce
    marks the address it names only when that address was a recipient of the email it reports
    on. `trusted` False (its sender failed the checks): recorded, but it reaches no ticket and
    marks nothing. None: a duplicate."""
    bounce = automatic.bounce
    ids = parsed.thread_ids + ((bounce.original_message_id,) if bounce and bounce.original_message_id else ())
    ticket = None
    if trusted and token is not None:
        ticket = Ticket.objects.filter(pk=token.ticket_id).first()
    if trusted and ticket is None:
        ticket = _by_message_ids(ids)
    ticket = _surviving(ticket)
    lines = [_("Automatic mail received (%(kind)s): %(subject)s") % {
        "kind": AutomaticKind(automatic.kind).label, "subject": parsed.subject or "—",
    }]
    undeliverable = []
    if bounce is not None and trusted:
        ours = _recipients_of_sent(ids)
        for recipient in bounce.recipients:
            if recipient.permanent and recipient.address.lower() in ours:
                undeliverable.append(recipient.address)
                lines.append(_("%(address)s could not be reached (%(status)s) and is now marked undeliverable.") % {
                    "address": recipient.address, "status": recipient.status,
                })
    result = inbound_note(channel=Channel.EMAIL, external_id=record.key, ticket_id=ticket.pk if ticket else None,
                          text="\n".join(lines) + "\n\n" + parsed.text[:MAX_NOTE_CHARS])
    if result.duplicate:
        return None
    for address in undeliverable:
        email_mark_undeliverable(address=address)
    record.kind = InboundKind.BOUNCE if automatic.kind == AutomaticKind.BOUNCE else InboundKind.AUTOMATIC
    record.note = automatic.reason[:255]
    record.ticket_id, record.message_id = result.ticket_id, result.message_id
    return IngestResult(Outcome.AUTOMATIC, ticket.pk if ticket else None, automatic.reason)


def _recipients_of_sent(ids: tuple[str, ...]) -> set[str]:
    """Who the emails we sent with these Message-IDs went to: a report of failure is only believed
    for them (anyone can write a failure report naming any address)."""
    if not ids:
        return set()
    sent = OutboundEmail.objects.filter(header_id__in=[value[:255] for value in ids[:50]]).values_list("recipients", flat=True)
    return {str(address).lower() for recipients in sent for address in recipients or ()}
