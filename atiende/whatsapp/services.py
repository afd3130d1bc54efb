"""WhatsApp: configuring numbers, taking in webhook deliveries, applying receipts.

A webhook delivery is checked (signature over the raw body, JSON shape, numbers it names) and
stored raw before anything else; processing runs after the response (`tasks.drain`, one job per
burst), where each message goes to `tickets.services.inbound_receive` and each status to
`delivery_status_record`.
A status for an id no delivery has yet is kept (`PendingStatus`) and applied when the delivery
gets its id (`WhatsAppAdapter.after_sent`)."""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import replace
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from atiende.accounts.models import Team, User
from atiende.core import clock
from atiende.core.exceptions import DomainError, Forbidden, Invalid, TooLarge, Unauthenticated
from atiende.core.jobs import enqueue_after_response
from atiende.tickets.channels import TemplateReply
from atiende.tickets.inbound import Inbound, InboundFile, SenderIdentity
from atiende.tickets.models import Channel, ChannelReceipt, DeliveryStatus, Ticket
from atiende.tickets.services import inbound_receive
from atiende.tickets.services.deliveries import delivery_status_record

from . import graph, payloads, selectors, templating
from .models import EventState, PendingStatus, WebhookEvent, WhatsAppNumber, WhatsAppTemplate
from .permissions import can_manage_channels

logger = logging.getLogger(__name__)

SECRET_FIELDS = ("verify_token", "app_secret", "access_token")
FIELDS = ("name", "phone_number_id", *SECRET_FIELDS, "api_base", "team", "active")
STATUSES = {"sent": DeliveryStatus.SENT, "delivered": DeliveryStatus.DELIVERED, "read": DeliveryStatus.READ,
            "failed": DeliveryStatus.FAILED}


# --- configuration ------------------------------------------------------------------------------

def number_create(*, actor: User, **values: Any) -> WhatsAppNumber:
    if not can_manage_channels(actor):
        raise Forbidden()
    missing = [name for name in ("name", "phone_number_id", *SECRET_FIELDS) if not str(values.get(name) or "").strip()]
    if missing:
        raise Invalid(fields={name: _("This field is required.") for name in missing})
    number = WhatsAppNumber()
    return _save(number, values)


def number_update(*, actor: User, number: WhatsAppNumber, **values: Any) -> WhatsAppNumber:
    """Change what is given; a secret left out (or empty) keeps its stored value."""
    if not can_manage_channels(actor):
        raise Forbidden()
    values = {name: value for name, value in values.items() if not (name in SECRET_FIELDS and not value)}
    return _save(number, values)


def _save(number: WhatsAppNumber, values: dict[str, Any]) -> WhatsAppNumber:
    for name in FIELDS:
        if name not in values:
            continue
        value = values[name]
        if isinstance(value, str) and name != "team":
            value = value.strip()
        setattr(number, name, value)
    errors = {}
    if not number.name:
        errors["name"] = _("This field is required.")
    if not (number.phone_number_id.isascii() and number.phone_number_id.isdigit()) or len(number.phone_number_id) > 64:
        errors["phone_number_id"] = _("Meta's phone number id is made of digits.")
    problem = graph.api_base_problem(number.api_base)
    if problem:
        errors["api_base"] = problem
    if number.team is not None and not isinstance(number.team, Team):
        errors["team"] = _("Unknown team.")
    if errors:
        raise Invalid(fields=errors)
    try:
        with transaction.atomic():
            number.save()
    except IntegrityError:
        raise Invalid(fields={"phone_number_id": _("This number is connected already.")}) from None
    selectors.webhook_numbers_forget()
    return number


# --- templates ----------------------------------------------------------------------------------

TEMPLATE_FIELDS = ("name", "language", "body", "active", "for_notices")


def template_create(*, actor: User, number: WhatsAppNumber, **values: Any) -> WhatsAppTemplate:
    if not can_manage_channels(actor):
        raise Forbidden()
    missing = [name for name in ("name", "language", "body") if not str(values.get(name) or "").strip()]
    if missing:
        raise Invalid(fields={name: _("This field is required.") for name in missing})
    return _template_save(WhatsAppTemplate(number=number), values)


def template_update(*, actor: User, template: WhatsAppTemplate, **values: Any) -> WhatsAppTemplate:
    if not can_manage_channels(actor):
        raise Forbidden()
    return _template_save(template, values)


def template_delete(*, actor: User, template: WhatsAppTemplate) -> None:
    """Replies sent with it keep their text and their delivery's copy of it."""
    if not can_manage_channels(actor):
        raise Forbidden()
    template.delete()


def _template_save(template: WhatsAppTemplate, values: dict[str, Any]) -> WhatsAppTemplate:
    for name in TEMPLATE_FIELDS:
        if name in values:
            value = values[name]
            setattr(template, name, value.strip() if isinstance(value, str) and name != "body" else value)
    errors = {}
    if not templating.NAME.match(template.name):
        errors["name"] = _("Use the name approved by Meta: lowercase letters, digits and _.")
    if not templating.LANGUAGE.match(template.language):
        errors["language"] = _("Use Meta's language code, such as es_MX, en_US or es.")
    problem = templating.body_problem(template.body)
    if problem:
        errors["body"] = problem
    elif template.for_notices and (problem := templating.notice_problem(template.body)):
        errors["for_notices"] = problem
    if errors:
        raise Invalid(fields=errors)
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError:
        raise Invalid(fields={"name": _("This number has this template in this language already.")}) from None
    return template


def template_render(ticket: Ticket, template_id: int, variables: list[str]) -> TemplateReply:
    """An active template of the ticket's conversation's number, filled in: the message's text and
    what the adapter sends (the caller checked the agent may reply)."""
    found = selectors.conversation(ticket)
    template = (WhatsAppTemplate.objects.filter(pk=template_id, number=found[0]).first()
                if found is not None and isinstance(template_id, int) else None)
    if template is None:
        raise Invalid(_("Unknown template."), code="unknown_template", fields={"template": _("Unknown template.")})
    if not template.active:
        raise Invalid(_("This template is not active."), code="template_inactive",
                      fields={"template": _("This template is not active.")})
    values = [v.strip() if isinstance(v, str) else "" for v in variables]
    count = templating.variable_count(template.body)
    if len(values) != count:
        message = ngettext("This template takes %(count)s variable.", "This template takes %(count)s variables.",
                           count) % {"count": count}
        raise Invalid(message, code="template_variables", fields={"variables": message})
    problems = [templating.value_problem(v) for v in values]
    if any(problems):
        message = next(p for p in problems if p)
        raise Invalid(message, code="template_variables", fields={"variables": message})
    return TemplateReply(text=templating.render(template.body, values), payload={"template": {
        "id": template.pk, "name": template.name, "language": template.language, "parameters": values}})


# --- the webhook --------------------------------------------------------------------------------

def handshake(number: WhatsAppNumber, *, mode: str, token: str, challenge: str) -> str:
    """Meta's subscription check: the challenge back when the verify token is the number's."""
    expected = number.verify_token
    if mode != "subscribe" or not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        raise Forbidden(_("The verify token is not valid."))
    return challenge


def signature_check(number: WhatsAppNumber, body: bytes, header: str) -> None:
    """`X-Hub-Signature-256: sha256=<hex>`, the HMAC-SHA256 of the raw body with the app secret."""
    secret = number.app_secret
    given = (header or "").strip()
    if not secret or not given.startswith("sha256="):
        raise Unauthenticated(_("The signature is missing or not valid."))
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(given.lower().encode(), expected.encode()):
        raise Unauthenticated(_("The signature is missing or not valid."))


def webhook_receive(number: WhatsAppNumber, body: bytes, signature: str) -> int:
    """Check and store one delivery (signature first: an unsigned body is not even parsed), and
    queue its processing after the response; the event's id. A repeat of a stored body is that event again."""
    signature_check(number, body, signature)
    try:
        data = payloads.parse(body)
    except payloads.BadPayload as exc:
        raise Invalid(str(exc), code="bad_payload") from None
    for number_id in payloads.phone_number_ids(data):
        _routed(number, number_id)
    digest = hashlib.sha256(body).hexdigest()
    event_id, state = _event_store(number, digest, body.decode("utf-8"))
    if state == EventState.RECEIVED:  # new, or a repeat of one not yet taken in
        _drain_soon()
    elif state == EventState.FAILED:  # sent again by Meta: one more try
        WebhookEvent.objects.filter(pk=event_id, state=EventState.FAILED).update(state=EventState.RECEIVED)
        _drain_soon()
    return event_id


# One drain job per burst of posts, not one job per post: the first event of a burst queues it and
# the others are found by its query (a Celery publish per post was a tenth of the webhook's time).
DRAIN_PENDING = "whatsapp:drain-pending"
DRAIN_PENDING_SECONDS = 60  # a drain lost with its broker message: the minute's scheduled drain takes over


def _drain_soon() -> None:
    if caches["default"].add(DRAIN_PENDING, 1, timeout=DRAIN_PENDING_SECONDS):
        from .tasks import drain  # tasks import services

        # After the response: Meta waits for the 200 only (with a broker this is after commit anyway).
        enqueue_after_response(drain)


def events_drain(*, batch: int = 100) -> int:
    """Take in every received event, and every waiting one whose next attempt is due, oldest
    first; how many were tried. The pending mark goes first, so an event stored from now on queues
    the next drain and one stored before is found here. Two drains at once take nothing in twice
    (the port's receipts), so neither locks the other out."""
    caches["default"].delete(DRAIN_PENDING)
    due = Q(state=EventState.RECEIVED) | Q(state=EventState.WAITING, retry_at__lte=clock.now())
    tried, last = 0, 0
    while True:
        events = list(WebhookEvent.objects.filter(due, pk__gt=last).order_by("pk").only("pk", "attempts")[:batch])
        if not events:
            return tried
        for event in events:
            _drained_event(event.pk, attempt=event.attempts + 1)
            last, tried = event.pk, tried + 1


MEDIA_ATTEMPTS = 6  # a file that keeps failing goes in with a note after 1 + 2 + 4 + 8 + 16 minutes


def _drained_event(event_id: int, *, attempt: int) -> None:
    """One event of a drain. A file that may come later: the event waits, and a later drain tries
    again after a growing delay (on the last attempt its message goes in with a note). A failure
    that would repeat is recorded; a passing one (the database, the network) leaves the event for
    the next drain."""
    try:
        event_process(event_id, final=attempt >= MEDIA_ATTEMPTS)
    except MediaRetry:
        WebhookEvent.objects.filter(pk=event_id).update(
            state=EventState.WAITING, attempts=attempt, retry_at=clock.now() + timedelta(minutes=2 ** (attempt - 1)))
    except (OSError, DatabaseError):
        logger.warning("WhatsApp event %s left for the next drain", event_id, exc_info=True)
    except Exception as exc:
        logger.exception("WhatsApp event %s failed", event_id)
        WebhookEvent.objects.filter(pk=event_id).update(state=EventState.FAILED, error=repr(exc)[:10000])


def _event_store(number: WhatsAppNumber, digest: str, text: str) -> tuple[int, str]:
    """The event for this body: inserted, or the one stored already (Meta sends a body again when
    it got no 200). One statement in autocommit on the webhook's hottest path (the ORM's
    get_or_create takes four and a savepoint; bulk_create a transaction and no id back). The
    same SQL runs on PostgreSQL and SQLite (3.35+)."""
    table = WebhookEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (number_id, body, body_sha256, state, error, received_at, attempts) "  # noqa: S608 - our table
            "VALUES (%s, %s, %s, %s, '', %s, 0) ON CONFLICT (number_id, body_sha256) DO NOTHING RETURNING id",
            [number.pk, text, digest, EventState.RECEIVED, connection.ops.adapt_datetimefield_value(clock.now())])
        row = cursor.fetchone()
    if row is not None:
        return row[0], EventState.RECEIVED
    stored = WebhookEvent.objects.filter(number=number, body_sha256=digest).values_list("id", "state").get()
    return stored[0], stored[1]


def _routed(number: WhatsAppNumber, number_id: str) -> WhatsAppNumber:
    """The number a change is for: the URL's own, or another number of the same Meta app (one
    webhook URL serves every number of an app, all signed with its one secret)."""
    if number_id == number.phone_number_id:
        return number
    other = WhatsAppNumber.objects.filter(phone_number_id=number_id, active=True).first()
    if other is None or not hmac.compare_digest(other.app_secret.encode(), number.app_secret.encode()):
        raise Invalid(_("The notification is for a WhatsApp number that is not connected here."), code="unknown_number")
    return other


class MediaRetry(Exception):  # noqa: N818 - an outcome
    """A file could not be fetched for a reason that may pass (network, 5xx, cut short): the
    event's task tries again later instead of storing the message without it."""


def event_process(event_id: int, *, final: bool = True) -> None:
    """Take in a stored event's messages and statuses (the task's body). Every message is taken in
    once however often this runs (the port's receipts), so a retry is harmless.

    A media message whose file failed for a passing reason raises MediaRetry after the others are
    taken in (the task retries it), unless `final` (the task's last attempt): then it is taken in
    with a note saying the file could not be fetched, so the message itself is never lost."""
    event = WebhookEvent.objects.select_related("number").filter(pk=event_id).first()
    if event is None or event.state == EventState.PROCESSED:
        return
    data = payloads.parse(event.body.encode("utf-8"))
    errors, retry = [], []
    for message in payloads.messages(data):
        try:
            _message_take_in(event.number, message, final=final)
        except MediaRetry as exc:
            retry.append(f"{message.wamid}: {exc}")
        except DomainError as exc:  # refused by the port (a sender it cannot read): the others go on
            errors.append(f"{message.wamid}: {exc}")
    for status in payloads.statuses(data):
        status_apply(status.wamid, status.status, status.reason)
    if retry:
        event.error = "\n".join(errors + retry)[:10000]
        event.save(update_fields=["error"])
        raise MediaRetry("; ".join(retry))
    event.state = EventState.FAILED if errors else EventState.PROCESSED
    event.error, event.processed_at = "\n".join(str(e) for e in errors)[:10000], clock.now()
    event.save(update_fields=["state", "error", "processed_at"])


def _message_take_in(number: WhatsAppNumber, message: payloads.IncomingMessage, *, final: bool = True) -> None:
    number = _routed(number, message.phone_number_id)
    if message.media is not None and ChannelReceipt.objects.filter(channel=Channel.WHATSAPP,
                                                                   external_id=message.wamid).exists():
        return  # taken in by an earlier attempt: its file is not fetched again
    # A ticket it opens is acknowledged by the port, on WhatsApp (`WhatsAppAdapter.acknowledge`).
    inbound = Inbound(
        channel=Channel.WHATSAPP, external_id=message.wamid,
        sender=SenderIdentity("whatsapp", message.wa_id, message.profile_name),
        thread_key=thread_key(number, message.wa_id), text=message.text or "[?]", received_at=message.received_at,
        team_id=number.team_id,
    )
    if message.media is None:
        inbound_receive(inbound)
    else:
        _media_message_receive(number, message, inbound, final=final)


def _media_message_receive(number: WhatsAppNumber, message: payloads.IncomingMessage, inbound: Inbound, *,
                           final: bool):
    """Fetch the file and hand it over with the caption as text; when it cannot be fetched (or the
    attachment rules refuse it), the message goes in without it and a note says why."""
    ref = message.media
    assert ref is not None
    label = payloads.media_label({"type": ref.kind, ref.kind: {"filename": ref.filename, "voice": ref.voice}})
    try:
        media = graph.media_fetch(number, ref.media_id)
    except graph.MediaUnavailable as exc:
        if exc.transient and not final:
            raise MediaRetry(exc.reason) from exc
        return inbound_receive(replace(inbound, text=_with_note(ref.caption, label, exc.reason)))
    name = ref.filename or f"{ref.kind}{media.extension}"
    try:
        return inbound_receive(replace(inbound, text=ref.caption, files=(
            InboundFile(name=name, content=media.content, content_type=media.content_type, size=media.size),)))
    except (Invalid, TooLarge) as exc:
        if exc.fields.get("sender"):
            raise
        return inbound_receive(replace(inbound, text=_with_note(ref.caption, label, str(exc.message or exc))))
    finally:
        media.content.close()


def _with_note(caption: str, label: str, reason: str) -> str:
    note = _("%(what)s The file could not be fetched: %(reason)s.") % {"what": label, "reason": reason.rstrip(".")}
    return f"{caption}\n\n{note}" if caption else note


def thread_key(number: WhatsAppNumber, wa_id: str) -> str:
    return f"{number.phone_number_id}:{wa_id}"


# --- receipts -----------------------------------------------------------------------------------

def status_apply(wamid: str, status: str, reason: str = "") -> None:
    """A status from Meta for a message we sent. Unknown statuses are ignored; one for an id no
    delivery has yet is kept and applied when a delivery gets that id."""
    mapped = STATUSES.get(status)
    if mapped is None:
        return
    if delivery_status_record(channel=Channel.WHATSAPP, external_id=wamid, status=mapped, reason=reason):
        return
    PendingStatus.objects.get_or_create(external_id=wamid[:255], status=mapped, defaults={"reason": reason})
    # The delivery may have got its id between the two statements: look once more.
    pending_apply(wamid)


def pending_apply(wamid: str) -> int:
    """Apply the kept statuses of `wamid` now that a delivery carries it (in rank order)."""
    order = {DeliveryStatus.SENT: 0, DeliveryStatus.DELIVERED: 1, DeliveryStatus.READ: 2, DeliveryStatus.FAILED: 3}
    kept = sorted(PendingStatus.objects.filter(external_id=wamid, applied_at__isnull=True),
                  key=lambda p: order.get(p.status, 9))
    applied = 0
    for pending in kept:
        if delivery_status_record(channel=Channel.WHATSAPP, external_id=wamid, status=pending.status,
                                  reason=pending.reason) is None:
            break
        PendingStatus.objects.filter(pk=pending.pk).update(applied_at=clock.now())
        applied += 1
    return applied


# --- retention ----------------------------------------------------------------------------------

PRUNE_BATCH = 500
PENDING_STATUS_DAYS = 7  # a status for a message still unknown after a week is for none we sent


def events_prune(*, batch: int = PRUNE_BATCH) -> tuple[int, int]:
    """Delete processed webhook events older than WHATSAPP_EVENT_RETENTION_DAYS and kept statuses
    older than a week, `batch` rows per statement so no long lock is held. Events not processed
    (received, failed) stay for an administrator to look at. Returns (events, statuses) deleted."""
    now = clock.now()
    events = _delete_in_batches(
        WebhookEvent.objects.filter(state=EventState.PROCESSED,
                                    received_at__lt=now - timedelta(days=settings.WHATSAPP_EVENT_RETENTION_DAYS)),
        batch)
    statuses = _delete_in_batches(PendingStatus.objects.filter(received_at__lt=now - timedelta(days=PENDING_STATUS_DAYS)),
                                  batch)
    return events, statuses


def _delete_in_batches(queryset, batch: int) -> int:
    deleted = 0
    while True:
        ids = list(queryset.order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            return deleted
        deleted += queryset.model.objects.filter(pk__in=ids).delete()[0]
