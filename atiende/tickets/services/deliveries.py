"""Deliveries: a public agent reply going out through the adapter of its ticket's channel.

Queued in the reply's transaction (so the ticket shows it at once), attempted after commit by the
`deliver_message` task, retried by agents through `delivery_retry`. Adapters report later
receipts (delivered, read, failed) with `delivery_status_record`.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from atiende.accounts.models import User
from atiende.core import clock
from atiende.core.exceptions import Conflict, Forbidden, NotFound
from atiende.core.jobs import enqueue_after_commit

from .. import channels
from ..models import AuthorKind, Delivery, DeliveryStatus, Message, MessageKind
from ..permissions import can_edit_ticket, can_view_ticket

MAX_ATTEMPTS = 5
# A receipt moves a delivery forward only: a late "sent" never undoes "read".
_RANK = {DeliveryStatus.QUEUED: 0, DeliveryStatus.SENT: 1, DeliveryStatus.DELIVERED: 2, DeliveryStatus.READ: 3}
_STAMP = {DeliveryStatus.SENT: "sent_at", DeliveryStatus.DELIVERED: "delivered_at", DeliveryStatus.READ: "read_at",
          DeliveryStatus.FAILED: "failed_at"}


class Outcome:
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"


def delivery_queue(message: Message, *, payload: dict | None = None) -> Delivery | None:
    """Inside the reply's transaction: a delivery for a public agent reply (or the system's public
    message, `messages.system_message_send`) when an adapter serves the ticket's channel and
    reaches its customer; None otherwise (nothing to send, nothing failed).
    `payload`: what the adapter sends instead of the text (a template it rendered)."""
    ticket = message.ticket
    if message.kind != MessageKind.PUBLIC or message.author_kind not in (AuthorKind.AGENT, AuthorKind.SYSTEM):
        return None
    adapter = channels.adapter_for(ticket.channel)
    if adapter is None or not adapter.reaches(ticket):
        return None
    delivery = Delivery.objects.create(message=message, channel=adapter.channel, created_at=clock.now(),
                                       payload=payload or {})
    reason = adapter.prepare(delivery)
    if reason:
        _fail(delivery, reason)
    else:
        _enqueue(delivery)
    return delivery


def delivery_attempt(delivery_id: int) -> str:
    """One attempt by the adapter (the task's body); records its outcome. A delivery that is not
    queued any more (sent, failed for good, gone) is left alone."""
    delivery = Delivery.objects.select_related("message__ticket").filter(
        pk=delivery_id, status=DeliveryStatus.QUEUED
    ).first()
    if delivery is None:
        return Outcome.SENT
    adapter = channels.adapter_for(delivery.channel)
    delivery.attempts += 1
    try:
        if adapter is None:
            raise channels.DeliveryFailed(_("No channel is configured to send this reply."), permanent=True)
        try:
            external_id = adapter.deliver(delivery)
        except OSError as exc:  # a network error the adapter let through: worth another try
            raise channels.DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
    except channels.DeliveryFailed as failure:
        if failure.permanent or delivery.attempts >= MAX_ATTEMPTS:
            _fail(delivery, failure.reason)
            outcome = Outcome.FAILED
        else:
            delivery.failure_reason = failure.reason[:2000]
            delivery.save(update_fields=["attempts", "failure_reason"])
            return Outcome.RETRY
    else:
        delivery.status, delivery.sent_at, delivery.failure_reason = DeliveryStatus.SENT, clock.now(), ""
        delivery.external_id = (external_id or "")[:255]
        delivery.save(update_fields=["attempts", "status", "sent_at", "failure_reason", "external_id"])
        outcome = Outcome.SENT
        after_sent = getattr(adapter, "after_sent", None)
        if callable(after_sent):  # optional: receipts that came before the id was known (WhatsApp)
            after_sent(delivery)
    return outcome


def delivery_retry(*, actor: User, delivery_id: int) -> Delivery:
    """An agent who may edit the ticket asks to try a delivery again (404 for a ticket they do not
    see, 403 for one they only see, 409 once it went out)."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().select_related("message__ticket").filter(pk=delivery_id).first()
        if delivery is None or not can_view_ticket(actor, delivery.message.ticket):
            raise NotFound()
        if not can_edit_ticket(actor, delivery.message.ticket):
            raise Forbidden()
        if delivery.status not in (DeliveryStatus.QUEUED, DeliveryStatus.FAILED):
            raise Conflict(_("This reply was sent already."), code="delivery_sent")
        delivery_requeue(delivery)
    delivery.refresh_from_db()
    return delivery


def delivery_requeue(delivery: Delivery) -> None:
    """Queue a delivery again from the start (the system's side of a retry; no permission)."""
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.QUEUED, attempts=0, failure_reason="",
                                                   failed_at=None)
    adapter = channels.adapter_for(delivery.channel)
    if adapter is not None:
        adapter.requeue(delivery)
    _enqueue(delivery)


def delivery_status_record(*, channel: str, external_id: str, status: str, reason: str = "") -> Delivery | None:
    """A channel's receipt for something it sent (WhatsApp's delivered/read, a bounce): moves the
    delivery forward, or to failed with the reason. None when no delivery has that id (yet)."""
    if not external_id:
        return None
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(channel=channel, external_id=external_id).first()
        if delivery is None:
            return None
        if status == DeliveryStatus.FAILED:
            _fail(delivery, reason or _("The channel reported the message as not delivered."))
        elif status in _RANK and _RANK[status] > _RANK.get(delivery.status, 99):
            delivery.status = status
            setattr(delivery, _STAMP[status], clock.now())
            delivery.save(update_fields=["status", _STAMP[status]])
    return delivery


def _fail(delivery: Delivery, reason: str) -> None:
    delivery.status, delivery.failure_reason, delivery.failed_at = DeliveryStatus.FAILED, reason[:2000], clock.now()
    delivery.save(update_fields=["attempts", "status", "failure_reason", "failed_at"])


def _enqueue(delivery: Delivery) -> None:
    from ..tasks import deliver_message  # tasks import services; queued after commit

    enqueue_after_commit(deliver_message, delivery_id=delivery.pk)
