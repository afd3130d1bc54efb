"""Writes of the notices app: writing a notice, sending it (one message per recipient, by the
channel each prefers when it reaches them, else email, in throttled batches), the test send to
oneself, and unsubscribing.

Sending is idempotent per recipient: `notice_send` makes one NoticeRecipient row per customer
(unique per notice) and queues batches of their ids; each recipient is claimed by one conditional
UPDATE (pending → sent) in the transaction that sends its message, so a batch run twice, or two
workers on the same batch, send it once, and a worker that dies mid-message rolls its claim back
for the next run (CELERY_TASK_ACKS_LATE redelivers the batch; `notices_resume` queues what a lost
batch left). See docs/decisions/0046-notices.md."""

from __future__ import annotations

import smtplib
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from atiende.accounts.models import User
from atiende.core import clock
from atiende.core.audit import audit_record
from atiende.core.exceptions import Conflict, Forbidden, Invalid
from atiende.core.jobs import enqueue_by_name_after_commit
from atiende.core.languages import interface_language
from atiende.core.mail import AUTO_GENERATED_HEADERS
from atiende.customers.models import ContactChannel, Customer, Segment
from atiende.tickets import channels

from . import selectors, tokens, wording
from .models import (
    Audience,
    Notice,
    NoticeLanguage,
    NoticeOptOut,
    NoticeRecipient,
    NoticeState,
    RecipientState,
    SkipReason,
)
from .permissions import can_manage_notices

SEND_TASK = "notices.send_batch"
NOTICE_FIELDS = ("subject", "body", "language", "essential", "audience", "segment", "plan", "organization", "product",
                 "asset")
TARGET_FIELD = {Audience.SEGMENT: "segment", Audience.PLAN: "plan", Audience.ORGANIZATION: "organization",
                Audience.PRODUCT: "product", Audience.ASSET: "asset"}
MAX_BODY = 20_000


def _validate(notice: Notice) -> None:
    errors: dict[str, Any] = {}
    if not notice.subject.strip():
        errors["subject"] = _("Write a subject.")
    if not notice.body.strip():
        errors["body"] = _("Write the notice.")
    elif len(notice.body) > MAX_BODY:
        errors["body"] = _("Use at most %(max)s characters.") % {"max": MAX_BODY}
    for field in ("subject", "body"):
        if field not in errors and (unknown := wording.problems(getattr(notice, field))):
            errors[field] = _("Unknown variable or tag: %(names)s.") % {"names": ", ".join(unknown)}
    if notice.language not in NoticeLanguage.values:
        errors["language"] = _("Choose Spanish or English.")
    if notice.audience not in Audience.values:
        errors["audience"] = _("Choose who receives the notice.")
    else:
        target = TARGET_FIELD[Audience(notice.audience)]
        value = notice.segment if target == "segment" else getattr(notice, f"{target}_id")
        if not value or (target == "segment" and value not in Segment.values):
            errors[target] = {"segment": _("Choose the segment."), "plan": _("Choose the support plan."),
                              "organization": _("Choose the organization."), "product": _("Choose the product."),
                              "asset": _("Give the asset's number.")}[target]
    if errors:
        raise Invalid(fields=errors)


def _apply(notice: Notice, values: dict[str, Any]) -> None:
    for name in NOTICE_FIELDS:
        if name in values:
            setattr(notice, name, "" if name == "segment" and values[name] is None else values[name])
    target = TARGET_FIELD.get(notice.audience)
    # Only the chosen audience's target is kept, so the notice names one set of customers.
    notice.segment = notice.segment if target == "segment" else ""
    for other in ("plan", "organization", "product", "asset"):
        if other != target:
            setattr(notice, other, None)


def notice_create(*, actor: User, **values: Any) -> Notice:
    if not can_manage_notices(actor):
        raise Forbidden()
    notice = Notice(created_by=actor)
    _apply(notice, values)
    _validate(notice)
    notice.save()
    return notice


@transaction.atomic
def notice_update(*, actor: User, notice: Notice, changes: dict[str, Any]) -> Notice:
    if not can_manage_notices(actor):
        raise Forbidden()
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.state != NoticeState.DRAFT:
        raise Conflict(_("This notice was already sent; it can no longer change."), code="notice_sent")
    _apply(notice, changes)
    _validate(notice)
    notice.updated_at = clock.now()
    notice.save()
    return notice


def notice_send(*, actor: User, notice: Notice) -> int:
    """Send a draft notice: one recipient row per customer of the audience (as it is now) and
    their messages queued in batches, NOTICES_PER_MINUTE at most. Returns how many will be sent
    (the others are recorded as skipped). Sending the same notice twice is a conflict."""
    if not can_manage_notices(actor):
        raise Forbidden()
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        if notice.state != NoticeState.DRAFT:
            raise Conflict(_("This notice was already sent."), code="notice_sent")
        _validate(notice)
        pending = _make_recipients(notice)
        notice.state, notice.sent_by, notice.queued_at = NoticeState.SENDING, actor, clock.now()
        notice.save(update_fields=["state", "sent_by", "queued_at"])
        progress = selectors.notice_progress(notice)
        audit_record("notice.sent", actor=actor, target=notice, target_label=notice.subject, after={
            "audience": notice.audience, "essential": notice.essential, "recipients": progress.total,
            "queued": progress.pending, "skipped": progress.skipped})
        _queue(notice, pending)
        if not pending:
            _finish_if_done(notice.pk)
    return len(pending)


def _make_recipients(notice: Notice) -> list[int]:
    ids = selectors.audience_ids(notice)
    reached = selectors.routes(ids, notice.language)
    out = set() if notice.essential else selectors.opted_out(ids)
    rows = []
    for customer_id in ids:
        channel, address = reached.get(customer_id, (ContactChannel.EMAIL.value, ""))
        reason = SkipReason.NO_ADDRESS if not address else SkipReason.UNSUBSCRIBED if customer_id in out else ""
        rows.append(NoticeRecipient(notice=notice, customer_id=customer_id, channel=channel, address=address,
                                    skip_reason=reason,
                                    state=RecipientState.SKIPPED if reason else RecipientState.PENDING))
    NoticeRecipient.objects.bulk_create(rows, batch_size=1000)
    return list(NoticeRecipient.objects.filter(notice=notice, state=RecipientState.PENDING)
                .order_by("pk").values_list("pk", flat=True))


def _queue(notice: Notice, recipient_ids: list[int], *, start: float = 0.0) -> None:
    """Batches of NOTICES_BATCH_SIZE, each starting when the rate allows (with a broker)."""
    size = max(1, settings.NOTICES_BATCH_SIZE)
    seconds_per_batch = 60.0 * size / max(1, settings.NOTICES_PER_MINUTE)
    for number, first in enumerate(range(0, len(recipient_ids), size)):
        enqueue_by_name_after_commit(SEND_TASK, countdown=start + number * seconds_per_batch, notice_id=notice.pk,
                                     recipient_ids=recipient_ids[first:first + size])


def notice_batch_send(*, notice_id: int, recipient_ids: list[int]) -> int:
    """Send a batch's messages (the task); returns how many went out now. Safe to run twice."""
    notice = Notice.objects.filter(pk=notice_id).first()
    if notice is None:
        return 0
    # One connection for the batch (with SMTP: one session, not one per message). Failing to open
    # it raises, and the task is retried later.
    with get_connection() as connection:
        sent = sum(1 for pk in recipient_ids if _send_one(notice, pk, connection))
    _finish_if_done(notice.pk)
    return sent


def _send_one(notice: Notice, recipient_id: int, connection: Any) -> bool:
    with transaction.atomic():
        now = clock.now()
        # The claim: of two runs, one updates the row (the other waits on its lock, then finds it
        # sent). Should the worker die before the commit, the claim is undone with the message's
        # transaction and the next run sends it.
        if not NoticeRecipient.objects.filter(pk=recipient_id, notice=notice, state=RecipientState.PENDING).update(
                state=RecipientState.SENT, sent_at=now):
            return False
        row = NoticeRecipient.objects.select_related("customer__organization").get(pk=recipient_id)
        if not notice.essential and NoticeOptOut.objects.filter(customer_id=row.customer_id).exists():
            _mark(row, RecipientState.SKIPPED, skip_reason=SkipReason.UNSUBSCRIBED)  # unsubscribed since queued
            return False
        try:
            if row.channel == ContactChannel.EMAIL:
                _message(notice, row.customer, row.address, connection=connection).send()
            else:
                channels.outreach_send(row.channel, row.address, _outreach(notice, row))
        except (OSError, smtplib.SMTPException) as exc:
            _mark(row, RecipientState.FAILED, error=str(exc)[:300] or exc.__class__.__name__)
            return False
        except channels.DeliveryFailed as failure:
            if not failure.permanent:  # the claim is undone with the transaction; the batch is retried
                raise SendLater(failure.reason) from failure
            _mark(row, RecipientState.FAILED, error=failure.reason[:300])
            return False
    return True


class SendLater(OSError):
    """A channel failed for now (unreachable, a rate limit): the batch task, which retries on
    OSError, sends what is left later."""


def _mark(row: NoticeRecipient, state: str, **values: Any) -> None:
    NoticeRecipient.objects.filter(pk=row.pk).update(state=state, sent_at=None, **values)


def _finish_if_done(notice_id: int) -> None:
    if not NoticeRecipient.objects.filter(notice_id=notice_id, state=RecipientState.PENDING).exists():
        Notice.objects.filter(pk=notice_id, state=NoticeState.SENDING).update(state=NoticeState.SENT,
                                                                              finished_at=clock.now())


def unsubscribe_url(customer_id: int) -> str:
    return _public_url("portal:notice-unsubscribe", tokens.make_token(customer_id))


def reading_url(recipient_id: int) -> str:
    """The page where a recipient reads the whole notice (linked from a WhatsApp template)."""
    return _public_url("portal:notice-read", tokens.make_reading_token(recipient_id))


def _public_url(name: str, token: str) -> str:
    return settings.PUBLIC_URL.rstrip("/") + reverse(name, kwargs={"token": token})


def _text(notice: Notice, customer: Customer) -> tuple[str, str]:
    """The recipient's subject and text, in the notice's language (active), ending with why it came
    and, for an announcement, how to stop them."""
    recipient = selectors.recipient_of(customer)
    link = None if notice.essential else unsubscribe_url(customer.pk)
    body = wording.render(notice.body, recipient).rstrip() + "\n\n-- \n" + wording.footer(
        site=settings.SITE_NAME, unsubscribe_url=link) + "\n"
    return wording.render(notice.subject, recipient), body


def _outreach(notice: Notice, row: NoticeRecipient) -> channels.Outreach:
    with translation.override(interface_language(notice.language)):
        subject, body = _text(notice, row.customer)
    return channels.Outreach(subject=subject, body=body, greeting_name=row.customer.greeting_name,
                             language=notice.language, link=reading_url(row.pk))


def _message(notice: Notice, customer: Customer, address: str, *, subject_prefix: str = "",
             connection: Any = None) -> EmailMessage:
    """One message with one recipient address: `address` alone in To, never a Cc or Bcc, so no
    customer learns another's address."""
    with translation.override(interface_language(notice.language)):
        subject, body = _text(notice, customer)
    link = None if notice.essential else unsubscribe_url(customer.pk)
    headers = dict(AUTO_GENERATED_HEADERS)
    if link is not None:  # RFC 2369 and RFC 8058: the mail client's own unsubscribe button, one POST
        headers.update({"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
    return EmailMessage(subject=subject_prefix + subject, body=body,
                        from_email=settings.DEFAULT_FROM_EMAIL, to=[address], headers=headers, connection=connection)


def notice_test_send(*, actor: User, notice: Notice) -> str:
    """The notice as its sample recipient gets it, mailed to `actor` alone; returns the address."""
    if not can_manage_notices(actor):
        raise Forbidden()
    if not actor.email:
        raise Invalid(_("Your account has no email address."), code="no_email")
    sample = selectors.notice_preview(user=actor, notice=notice).sample
    stand_in = sample or Customer(name=actor.name, pk=0)
    with translation.override(interface_language(notice.language)):
        prefix = _("[Test] ")
    _message(notice, stand_in, actor.email, subject_prefix=prefix).send()
    return actor.email


def notices_resume(*, older_than: timedelta = timedelta(minutes=15)) -> int:
    """Queue again what a lost batch left (a broker restart): recipients still pending of a notice
    whose last batch should have run more than `older_than` ago. Harmless when the batches are
    only late: each recipient is claimed once. Returns how many were queued."""
    queued = 0
    for notice in Notice.objects.filter(state=NoticeState.SENDING):
        pending = list(NoticeRecipient.objects.filter(notice=notice, state=RecipientState.PENDING)
                       .order_by("pk").values_list("pk", flat=True))
        total = notice.recipients.count()
        due = notice.queued_at + timedelta(seconds=60.0 * total / max(1, settings.NOTICES_PER_MINUTE)) + older_than
        if not pending:
            _finish_if_done(notice.pk)
        elif clock.now() >= due:
            with transaction.atomic():
                _queue(notice, pending)
            queued += len(pending)
    return queued


@transaction.atomic
def notice_unsubscribe(*, token: str) -> Customer | None:
    """The one-click unsubscribe (the link's POST): the customer it names stops receiving
    non-essential notices. None for a token we did not make. Twice is once."""
    customer_id = tokens.read_token(token)
    customer = Customer.objects.filter(pk=customer_id).first() if customer_id else None
    if customer is None:
        return None
    NoticeOptOut.objects.get_or_create(customer=customer)
    return customer
