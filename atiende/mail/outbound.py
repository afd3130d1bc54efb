"""Agents' replies by email: queued with the reply, sent by the worker, threaded both ways.

This is the email side of the channel port (`atiende.tickets.channels`; the adapter is in
`adapter.py`). Each reply's `tickets.Delivery` gets an `OutboundEmail` in the transaction that
stores the reply (the email's detail: Message-ID, recipients, subject, and its own status, which
the port copies onto the delivery after each attempt), so the ticket shows it as queued at once,
failed with the reason if sending keeps failing, and sent otherwise.
The mail carries a unique Message-ID (recorded, so the customer's answer threads back),
In-Reply-To and References for the conversation, `[#n]` in the subject, a signed reply-to
address, text and HTML parts, the team's signature, the reply's attachments and the customer's
last message quoted below. It goes to the requester only; referred colleagues get it in Bcc, so
no customer ever sees another's address.
"""

from __future__ import annotations

import smtplib
from email.utils import formataddr, make_msgid

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _

from atiende.core import clock
from atiende.core.jobs import enqueue_after_commit
from atiende.core.mail import AUTO_REPLIED_HEADERS
from atiende.customers.models import Customer, IdentityKind
from atiende.tickets.channels import DeliveryFailed, Notice
from atiende.tickets.models import AuthorKind, Channel, Message, MessageKind, Ticket
from atiende.tickets.models import Delivery as TicketDelivery
from atiende.tickets.services import delivery_requeue

from .models import DeliveryStatus, InboundMessage, OutboundEmail
from .tokens import Person, make_token, reply_address

MAX_ATTEMPTS = 5
MAX_REFERENCES = 20
# Channels whose customers are answered by email; chat and messaging apps answer in their own channel.
# Phone is one: an agent's written reply to a caller goes to their email address when they have one
# (calls are logged, not delivered to), as before the port (docs/decisions/0015-channel-port.md).
EMAIL_CHANNELS = frozenset({Channel.EMAIL, Channel.PORTAL, Channel.API, Channel.PHONE, Channel.INTERNAL})


class Delivery:
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"


def requester_address(customer: Customer) -> str | None:
    """The customer's primary deliverable email address, or None."""
    identities = customer.identities.filter(kind=IdentityKind.EMAIL, undeliverable=False)
    return identities.order_by("-is_primary", "id").values_list("value", flat=True).first()


def reaches(ticket: Ticket) -> bool:
    """Whether the requester has an email address at all (bounced ones count: a reply to them is
    shown as failed); reached by phone or chat only, nothing is sent and nothing failed."""
    return ticket.channel in EMAIL_CHANNELS and ticket.requester.identities.filter(kind=IdentityKind.EMAIL).exists()


def reply_prepare(delivery: TicketDelivery) -> str:
    """The email for an agent's public reply, written in the reply's transaction with its
    delivery; the reason it cannot go out ("" when it can: the port queues the sending)."""
    message = delivery.message
    ticket = message.ticket
    address = requester_address(ticket.requester)
    status, error = DeliveryStatus.QUEUED, ""
    if address is None:  # every address bounced: the agent must know the reply did not go out
        status, error = DeliveryStatus.FAILED, _("The requester has no deliverable email address.")
    OutboundEmail.objects.create(
        ticket=ticket, message=message, delivery=delivery, header_id=make_msgid(domain=_support_domain()).strip("<>"),
        recipients=[address] if address else [], subject=_subject(ticket), status=status, last_error=error,
    )
    return error


def reply_deliver(delivery: TicketDelivery) -> str:
    """The port's attempt at a reply's email: its Message-ID once sent, else DeliveryFailed
    (permanent once the email itself is failed for good)."""
    email = OutboundEmail.objects.filter(delivery=delivery).first()
    if email is None:
        raise DeliveryFailed(_("The email for this reply is missing."), permanent=True)
    deliver(email.pk)
    email.refresh_from_db(fields=["status", "last_error"])
    if email.status == DeliveryStatus.SENT:
        return email.header_id
    raise DeliveryFailed(email.last_error, permanent=email.status == DeliveryStatus.FAILED)


def reply_requeue(delivery: TicketDelivery) -> None:
    OutboundEmail.objects.filter(delivery=delivery).update(status=DeliveryStatus.QUEUED, attempts=0, last_error="")


def retry(email: OutboundEmail) -> OutboundEmail:
    """Try a failed email again: a reply's through its delivery (the port sends it), an email
    without one (an acknowledgement, a row older than the port) by itself."""
    if email.delivery_id is not None:
        delivery_requeue(TicketDelivery.objects.get(pk=email.delivery_id))
        email.refresh_from_db()
        return email
    OutboundEmail.objects.filter(pk=email.pk).update(status=DeliveryStatus.QUEUED, attempts=0, last_error="")
    from .tasks import send_email

    enqueue_after_commit(send_email, outbound_id=email.pk)
    email.refresh_from_db()
    return email


def deliver(outbound_id: int) -> str:
    """One sending attempt; records its outcome. Sending twice is prevented by the status."""
    email = OutboundEmail.objects.select_related("ticket__requester", "ticket__team", "message").filter(
        pk=outbound_id, status=DeliveryStatus.QUEUED
    ).first()
    if email is None:
        return Delivery.SENT  # already sent, or failed for good, or gone
    email.attempts += 1
    try:
        compose(email).send()
    except (smtplib.SMTPException, OSError) as exc:
        email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        email.status = DeliveryStatus.FAILED if email.attempts >= MAX_ATTEMPTS else DeliveryStatus.QUEUED
        email.save(update_fields=["attempts", "last_error", "status"])
        return Delivery.FAILED if email.status == DeliveryStatus.FAILED else Delivery.RETRY
    email.status, email.sent_at, email.last_error = DeliveryStatus.SENT, clock.now(), ""
    email.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    return Delivery.SENT


def acknowledgement_send(ticket: Ticket, notice: Notice) -> bool:
    """Email a new request's acknowledgement (the words are the ticket's), threaded and recorded
    so the customer's answer comes back; False with no deliverable address or when it was sent
    already (the task may run twice)."""
    address = requester_address(ticket.requester)
    envelope = acknowledgement_envelope(ticket, address, notice.subject) if address else None
    if envelope is None:
        return False
    record, headers = envelope
    EmailMessage(subject=record.subject, body=notice.body, from_email=sender(ticket), to=[address],
                 headers=headers).send()
    mark_sent(record)
    return True


def acknowledgement_envelope(ticket: Ticket, address: str, subject: str) -> tuple[OutboundEmail, dict] | None:
    """Sender and headers for a new request's acknowledgement, recorded so the customer's answer
    threads back; None when it was sent already (the task may run twice)."""
    if OutboundEmail.objects.filter(ticket=ticket, message__isnull=True, status=DeliveryStatus.SENT).exists():
        return None
    email = OutboundEmail.objects.create(
        ticket=ticket, header_id=make_msgid(domain=_support_domain()).strip("<>"), recipients=[address],
        subject=_one_line(subject)[:250],
    )
    token = make_token(ticket.pk, Person.CUSTOMER, ticket.requester_id)
    headers = {
        "Message-ID": f"<{email.header_id}>", "Reply-To": reply_address(_support_address(), token),
        **AUTO_REPLIED_HEADERS,
    }
    earlier = _thread_ids(ticket, before=email)
    if earlier:
        headers["In-Reply-To"] = f"<{earlier[-1]}>"
        headers["References"] = " ".join(f"<{item}>" for item in earlier[-MAX_REFERENCES:])
    return email, headers


def sender(ticket: Ticket) -> str:
    return formataddr((_one_line(ticket.team.name if ticket.team else settings.SITE_NAME), _support_address()))


def mark_sent(email: OutboundEmail) -> None:
    OutboundEmail.objects.filter(pk=email.pk).update(status=DeliveryStatus.SENT, sent_at=clock.now(), attempts=1)


# --- composing ----------------------------------------------------------------------------------

def compose(email: OutboundEmail) -> EmailMultiAlternatives:
    ticket, reply = email.ticket, email.message
    customer = ticket.requester
    token = make_token(ticket.pk, Person.CUSTOMER, customer.pk)
    earlier = _thread_ids(ticket, before=email)
    answered = _last_received_id(ticket) or (earlier[-1] if earlier else None)
    quoted = _last_customer_message(ticket, before=reply)
    with translation.override(customer.language or settings.LANGUAGE_CODE), \
            timezone.override(customer.time_zone or settings.TIME_ZONE):
        text, html = _bodies(reply, ticket, quoted)
    headers = {"Message-ID": f"<{email.header_id}>", "Reply-To": reply_address(_support_address(), token)}
    if earlier:
        headers["In-Reply-To"] = f"<{answered}>"
        headers["References"] = " ".join(f"<{item}>" for item in earlier[-MAX_REFERENCES:])
    mail = EmailMultiAlternatives(
        subject=email.subject, body=text, from_email=sender(ticket),
        to=email.recipients, bcc=list(ticket.collaborators.filter(is_active=True).values_list("email", flat=True)),
        headers=headers, connection=get_connection(),
    )
    mail.attach_alternative(html, "text/html")
    for attachment in reply.attachments.all():
        with attachment.file.open("rb") as handle:
            mail.attach(attachment.filename, handle.read(), attachment.content_type)
    return mail


def _bodies(reply: Message, ticket: Ticket, quoted: Message | None) -> tuple[str, str]:
    signature = ticket.team.email_signature.strip() if ticket.team else ""
    text_parts = [reply.body_text.strip()]
    html_parts = [reply.body_html or f"<p>{linebreaksbr(reply.body_text.strip())}</p>"]
    if signature:
        text_parts.append(f"-- \n{signature}")
        html_parts.append(f'<p class="signature">{linebreaksbr(signature)}</p>')
    if quoted is not None:
        said = _("On %(when)s, %(name)s wrote:") % {
            "when": date_format(timezone.localtime(quoted.created_at), "DATETIME_FORMAT"),
            "name": quoted.author_customer.name if quoted.author_customer else ticket.requester.name,
        }
        text_parts.append(said + "\n" + "\n".join(f"> {line}" for line in quoted.body_text.splitlines()))
        html_parts.append(f"<p>{escape(said)}</p><blockquote>{linebreaksbr(quoted.body_text)}</blockquote>")
    return "\n\n".join(text_parts) + "\n", "\n".join(html_parts)


def _last_customer_message(ticket: Ticket, before: Message) -> Message | None:
    return (
        Message.objects.filter(ticket=ticket, author_kind=AuthorKind.CUSTOMER, kind=MessageKind.PUBLIC,
                               created_at__lte=before.created_at, id__lt=before.pk)
        .select_related("author_customer").order_by("-created_at", "-id").first()
    )


def _thread_ids(ticket: Ticket, before: OutboundEmail) -> list[str]:
    """Message-IDs of the conversation so far, oldest first (received and sent)."""
    received = InboundMessage.objects.filter(ticket=ticket).exclude(header_id="").values_list("received_at", "header_id")
    sent = OutboundEmail.objects.filter(ticket=ticket, id__lt=before.pk).values_list("created_at", "header_id")
    return [header_id for _when, header_id in sorted([*received, *sent])]


def _last_received_id(ticket: Ticket) -> str | None:
    """The customer's latest message: the one a reply answers."""
    return (
        InboundMessage.objects.filter(ticket=ticket).exclude(header_id="").order_by("-received_at", "-id")
        .values_list("header_id", flat=True).first()
    )


def _subject(ticket: Ticket) -> str:
    return _one_line(f"[{ticket.reference}] {ticket.subject}")[:250]


def _one_line(text: str) -> str:
    """Header values never carry line breaks from user input (no header injection)."""
    return " ".join(str(text).split())


def _support_address() -> str:
    return settings.MAIL_SUPPORT_ADDRESS


def _support_domain() -> str:
    return _support_address().rpartition("@")[2] or "atiende.localhost"
