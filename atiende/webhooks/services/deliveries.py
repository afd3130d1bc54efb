"""Deliveries: queued inside a ticket change, sent after it commits, retried for a day.

- `deliveries_queue` (called by the ticket hooks, inside the change): one row per active
  subscription to the event, the body fixed once; a job is queued after commit to send them.
- `deliveries_attempt` (the job's body; `delivery_attempt` for one): claims each delivery, posts
  it signed, logs the attempt, schedules the next one (15 s, 45 s, 2¼ min… tripling, the last at
  24 h) or gives up.
- `deliveries_retry_due` (scheduled every WEBHOOK_RETRY_SECONDS, in the embedded default too):
  queues deliveries whose retry has come, and any whose job was lost (a worker that died).
- A subscription failing for WEBHOOK_DISABLE_AFTER_HOURS without one success is disabled, its
  pending deliveries given up, and the administrators are mailed.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from atiende.accounts.models import User
from atiende.core import clock
from atiende.core.exceptions import Conflict, Forbidden, NotFound
from atiende.core.jobs import enqueue_after_commit, enqueue_after_response

from .. import payloads
from ..http import WebhookClient, shared_client
from ..models import Attempt, Delivery, DeliveryStatus, Subscription
from ..permissions import can_manage_webhooks
from ..signing import DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signature_header

logger = logging.getLogger(__name__)

CACHE_KEY = "webhooks:active-subscriptions"
CACHE_SECONDS = 60
# How long a queued or running attempt holds its delivery before the retry scan takes it back.
LEASE = timedelta(minutes=5)
FIRST_RETRY = timedelta(seconds=15)
JOB_CHUNK = 50
USER_AGENT = "atiende-webhooks/1"


class Outcome:
    DELIVERED = "delivered"
    RETRY = "retry"
    FAILED = "failed"
    SKIPPED = "skipped"  # not due, already sent, or another job holds it


# --- which subscriptions want an event -----------------------------------------------------------

def _active_subscriptions() -> tuple[tuple[int, frozenset[str]], ...]:
    """(id, events) of the active subscriptions: kept in the shared cache, so a ticket change
    costs a cache read, not a query, and every process sees a change at once (the services
    forget it on every write; the expiry is a safety net)."""
    found = cache.get(CACHE_KEY)
    if found is None:
        rows = Subscription.objects.filter(active=True).order_by("pk").values_list("pk", "events")
        found = tuple((pk, frozenset(events or ())) for pk, events in rows)
        cache.set(CACHE_KEY, found, CACHE_SECONDS)
    return found


def subscribers_of(event: str) -> list[int]:
    return [pk for pk, events in _active_subscriptions() if event in events]


def forget_subscriptions() -> None:
    """Call inside the transaction that changes a subscription: forgotten now and after commit
    (another process may have read the old rows in between)."""
    cache.delete(CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))


# --- queueing ------------------------------------------------------------------------------------

def deliveries_queue(*, event: str, ticket_id: int | None, build: Callable[[], dict[str, Any]]) -> list[int]:
    """Inside the change's transaction: a delivery per active subscription to `event`, its body
    built once by `build()` (only when someone listens). A failure here is logged and the change
    goes on without its webhooks (they are notifications, not part of the ticket)."""
    targets = subscribers_of(event)
    if not targets:
        return []
    try:
        with transaction.atomic():
            now = clock.now()
            data = build()
            rows = []
            for subscription_id in targets:
                public_id = uuid.uuid4()
                body = payloads.body(delivery_id=str(public_id), event=event, created_at=now, data=data)
                rows.append(Delivery(public_id=public_id, subscription_id=subscription_id, event=event,
                                     ticket_id=ticket_id, body=body, created_at=now, next_attempt_at=now,
                                     leased_until=now + LEASE))
            Delivery.objects.bulk_create(rows)
    except (DatabaseError, ValueError, TypeError):
        logger.exception("Webhook deliveries for %s could not be queued", event)
        return []
    ids = [row.pk for row in rows]
    _send_later(ids)
    return ids


def delivery_queue_to(*, subscription_id: int, event: str, ticket_id: int | None,
                      build: Callable[[], dict[str, Any]]) -> int:
    """Inside the caller's transaction: one delivery of `event` to one subscription, whatever
    events it listens to (an automation rule's "call a webhook" action names its subscription).
    Signed, retried and logged like any other. NotFound when it no longer exists, Conflict when
    it is off: the caller reports the stale reference instead of sending."""
    subscription = Subscription.objects.filter(pk=subscription_id).first()
    if subscription is None:
        raise NotFound(_("The webhook subscription no longer exists."))
    if not subscription.active:
        raise Conflict(_("The webhook subscription is turned off."), code="webhook_inactive")
    now = clock.now()
    public_id = uuid.uuid4()
    body = payloads.body(delivery_id=str(public_id), event=event, created_at=now, data=build())
    delivery = Delivery.objects.create(public_id=public_id, subscription=subscription, event=event, ticket_id=ticket_id,
                                       body=body, created_at=now, next_attempt_at=now, leased_until=now + LEASE)
    _send_later([delivery.pk])
    return delivery.pk


def _send_later(ids: list[int], *, manual: bool = False) -> None:
    from ..tasks import deliver  # tasks import services; queued after commit

    # After the response: in the embedded default the posts run on the job thread, never in the
    # request that changed the ticket.
    for start in range(0, len(ids), JOB_CHUNK):
        enqueue_after_response(deliver, delivery_ids=ids[start:start + JOB_CHUNK], manual=manual)


# --- one attempt ---------------------------------------------------------------------------------

def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: 15 s, 45 s, 2¼ min, 6¾ min, … (×3)."""
    return FIRST_RETRY * 3 ** (attempts - 1)


def next_attempt_at(*, created_at: datetime, attempts: int, now: datetime) -> datetime | None:
    """When to try again after `attempts` failed ones, or None: the window (WEBHOOK_RETRY_HOURS
    from the event) is over. The last retry falls at the window's end."""
    end = created_at + timedelta(hours=settings.WEBHOOK_RETRY_HOURS)
    if now >= end:
        return None
    return min(now + retry_delay(attempts), end)


def client() -> WebhookClient:
    return shared_client(allow_private=settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
                         timeout=float(settings.WEBHOOK_TIMEOUT_SECONDS),
                         max_response_bytes=settings.WEBHOOK_MAX_RESPONSE_BYTES)


def delivery_attempt(delivery_id: int, *, manual: bool = False, http: WebhookClient | None = None) -> str:
    """Post one due, pending delivery once and record how it went. Safe to call twice at once:
    only the caller whose claim moves the attempt count sends."""
    outcomes = deliveries_attempt([delivery_id], manual=manual, http=http)
    return next(iter(outcomes))


def deliveries_attempt(delivery_ids: list[int], *, manual: bool = False,
                       http: WebhookClient | None = None) -> list[str]:
    """The job's body: attempt each delivery once, in order; their outcomes. The chunk is read in
    one query and its successes recorded together at the end (one worker sends a couple of
    hundred a second); a failure is recorded at once, with its retry. A worker that dies before
    the end leaves its sent deliveries leased: the retry scan sends them again after the lease,
    which receivers tell apart by the delivery id (at least once)."""
    now = clock.now()
    # With their subscriptions; a delivery whose subscription was deleted went with it (cascade).
    due = Delivery.objects.select_related("subscription").filter(
        pk__in=delivery_ids, status=DeliveryStatus.PENDING, next_attempt_at__lte=now).in_bulk()
    outcomes, sent = [], []
    try:
        for delivery_id in delivery_ids:
            delivery = due.get(delivery_id)
            if delivery is None or not _claimed(delivery, now=now):
                outcomes.append(Outcome.SKIPPED)
                continue
            outcome, success = _send(delivery, manual=manual, http=http)
            outcomes.append(outcome)
            if success is not None:
                sent.append(success)
    finally:
        _record_delivered(sent)
    return outcomes


def _claimed(delivery: Delivery, *, now: datetime) -> bool:
    claimed = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING, attempts=delivery.attempts).update(
        attempts=F("attempts") + 1, leased_until=now + LEASE)
    delivery.attempts += claimed
    return bool(claimed)


def _send(delivery: Delivery, *, manual: bool, http: WebhookClient | None) -> tuple[str, Attempt | None]:
    """Post a claimed delivery. A success comes back as its unsaved attempt row (recorded with
    the chunk's); anything else is recorded here."""
    subscription, now = delivery.subscription, clock.now()
    if not subscription.active:
        _finish(delivery, now=now, status=DeliveryStatus.FAILED, error=_("The subscription is not active."))
        return Outcome.FAILED, None
    body = delivery.body.encode()
    headers = [
        ("Content-Type", "application/json"), ("User-Agent", USER_AGENT),
        (DELIVERY_HEADER, str(delivery.public_id)), (EVENT_HEADER, delivery.event),
        (SIGNATURE_HEADER, signature_header(subscription.secret, int(now.timestamp()), body)),
    ]
    answer = (http or client()).post(subscription.url, body=body, headers=headers)
    attempt = Attempt(
        delivery=delivery, number=delivery.attempts, manual=manual, url=subscription.url,
        request_headers=dict(headers), status_code=answer.status_code, response_body=answer.body,
        error=answer.error[:2000], duration_ms=answer.duration_ms, started_at=now)
    if answer.ok:
        return Outcome.DELIVERED, attempt
    with transaction.atomic():
        attempt.save()
        error = answer.error or _("The receiver answered %(code)s.") % {"code": answer.status_code}
        retry_at = next_attempt_at(created_at=delivery.created_at, attempts=delivery.attempts, now=clock.now())
        if retry_at is None:
            _finish(delivery, now=now, status=DeliveryStatus.FAILED, status_code=answer.status_code, error=error)
        else:
            Delivery.objects.filter(pk=delivery.pk).update(
                next_attempt_at=retry_at, leased_until=None, last_status_code=answer.status_code, last_error=error)
        _note_failure(subscription, now=now)
    return (Outcome.FAILED if retry_at is None else Outcome.RETRY), None


def _record_delivered(attempts: list[Attempt]) -> None:
    """The chunk's successes: their attempt rows, the deliveries marked delivered (one update per
    answer code), and the failure streak of their subscriptions ended."""
    if not attempts:
        return
    now = clock.now()
    with transaction.atomic():
        Attempt.objects.bulk_create(attempts)
        by_code: dict[int | None, list[int]] = {}
        for attempt in attempts:
            by_code.setdefault(attempt.status_code, []).append(attempt.delivery_id)
        for code, ids in by_code.items():
            Delivery.objects.filter(pk__in=ids).update(
                status=DeliveryStatus.DELIVERED, delivered_at=now, next_attempt_at=None, leased_until=None,
                last_status_code=code, last_error="")
        failing = {a.delivery.subscription_id for a in attempts if a.delivery.subscription.failing_since is not None}
        if failing:  # as read; the update decides under a race
            Subscription.objects.filter(pk__in=failing, failing_since__isnull=False).update(failing_since=None)


def _finish(delivery: Delivery, *, now: datetime, status: str, status_code: int | None = None,
            error: str = "") -> None:
    stamp = {"delivered_at": now} if status == DeliveryStatus.DELIVERED else {"failed_at": now}
    Delivery.objects.filter(pk=delivery.pk).update(
        status=status, next_attempt_at=None, leased_until=None, last_status_code=status_code, last_error=error, **stamp)


def _note_failure(subscription: Subscription, *, now: datetime) -> None:
    """Start the failure streak, and disable the subscription once it has lasted
    WEBHOOK_DISABLE_AFTER_HOURS (no success since): its pending deliveries are given up and the
    administrators mailed, once (the conditional update decides who does it)."""
    Subscription.objects.filter(pk=subscription.pk, failing_since__isnull=True).update(failing_since=now)
    cutoff = now - timedelta(hours=settings.WEBHOOK_DISABLE_AFTER_HOURS)
    disabled = Subscription.objects.filter(pk=subscription.pk, active=True, failing_since__lte=cutoff).update(
        active=False, disabled_at=now, updated_at=now)
    if not disabled:
        return
    Delivery.objects.filter(subscription_id=subscription.pk, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, failed_at=now, next_attempt_at=None, leased_until=None,
        last_error=_("The subscription was disabled after failing for too long."))
    forget_subscriptions()
    from ..tasks import notify_disabled  # tasks import services

    enqueue_after_commit(notify_disabled, subscription_id=subscription.pk)


# --- retries, send again, pruning ----------------------------------------------------------------

def deliveries_retry_due(*, batch: int = 500) -> int:
    """Queue the pending deliveries whose time has come and that no job holds (retries, and any
    whose job was lost); returns how many. Two scans at once may queue one twice: the attempt's
    claim sends it once."""
    now = clock.now()
    due = Delivery.objects.filter(Q(leased_until__isnull=True) | Q(leased_until__lte=now),
                                  status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
    ids = list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:batch])
    if not ids:
        return 0
    due.filter(pk__in=ids).update(leased_until=now + LEASE)
    from ..tasks import deliver  # tasks import services

    for start in range(0, len(ids), JOB_CHUNK):
        deliver.apply_async(kwargs={"delivery_ids": ids[start:start + JOB_CHUNK]})
    return len(ids)


def delivery_redeliver(*, actor: User, subscription: Subscription, public_id: uuid.UUID) -> Delivery:
    """An administrator's "send again": one more attempt now, whatever came before (a delivery
    already delivered goes again with the same id; receivers drop what they have). 409 while the
    subscription is not active: re-activate it first."""
    if not can_manage_webhooks(actor):
        raise Forbidden()
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(subscription=subscription, public_id=public_id).first()
        if delivery is None:
            raise NotFound()
        if not Subscription.objects.filter(pk=subscription.pk, active=True).exists():
            raise Conflict(_("The subscription is not active: activate it before sending again."),
                           code="webhook_inactive")
        now = clock.now()
        Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.PENDING, next_attempt_at=now,
                                                       leased_until=now + LEASE, failed_at=None)
        _send_later([delivery.pk], manual=True)
    delivery.refresh_from_db()
    return delivery


def deliveries_prune(*, batch: int = 2000) -> int:
    """Delete finished deliveries (and their attempts) older than WEBHOOK_LOG_RETENTION_DAYS."""
    cutoff = clock.now() - timedelta(days=settings.WEBHOOK_LOG_RETENTION_DAYS)
    old = Delivery.objects.filter(created_at__lt=cutoff).exclude(status=DeliveryStatus.PENDING)
    deleted = 0
    while True:
        ids = list(old.values_list("pk", flat=True)[:batch])
        if not ids:
            return deleted
        Attempt.objects.filter(delivery_id__in=ids).delete()
        deleted += Delivery.objects.filter(pk__in=ids).delete()[0]
