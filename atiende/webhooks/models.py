"""Outbound webhooks: an administrator's subscription (a URL, a secret, the events it wants), the
deliveries made for it (one per event, the exact body kept so every retry sends the same bytes)
and the log of each attempt.

The secret is encrypted at rest (`core.crypto`) and never leaves through the API after creation.
See docs/decisions/0023-outbound-webhooks.md."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from atiende.core import clock
from atiende.core.crypto import EncryptedTextField


class Subscription(models.Model):
    url = models.CharField(_("URL"), max_length=2000)
    secret = EncryptedTextField(_("signing secret"))
    events = models.JSONField(_("events"), default=list)
    description = models.CharField(_("description"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    # Set at the first failed attempt after a success, cleared by the next success: a subscription
    # failing for WEBHOOK_DISABLE_AFTER_HOURS without one success is disabled.
    failing_since = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(_("disabled automatically at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["pk"]
        indexes = [models.Index(fields=["active"], name="webhooks_sub_active")]

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One event for one subscription. `public_id` is the X-Atiende-Delivery header and the body's
    `id`: the same on every retry, so receivers can drop duplicates (delivery is at least once).

    The subscription is referenced without a database constraint: a ticket change inserts
    deliveries inside its own transaction, and must not fail at commit because an administrator
    deleted the subscription a moment before (Django still deletes deliveries with their
    subscription; an orphan left by that race is dropped when its turn comes)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries",
                                     db_constraint=False)
    event = models.CharField(_("event"), max_length=40)
    ticket_id = models.BigIntegerField(null=True, blank=True)
    body = models.TextField(_("body"))
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # A job holds the delivery until then (queued or being sent); the retry scan leaves it alone.
    leased_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhooks_delivery_due"),
            models.Index(fields=["subscription", "-created_at", "-id"], name="webhooks_delivery_log"),
            models.Index(fields=["created_at"], name="webhooks_delivery_age"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.public_id}"


class Attempt(models.Model):
    """One HTTP request of a delivery, as sent and as answered (the log administrators read)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    manual = models.BooleanField(default=False)
    url = models.CharField(max_length=2000)
    request_headers = models.JSONField(default=dict)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ["delivery", "number", "pk"]
        indexes = [models.Index(fields=["delivery", "number"], name="webhooks_attempt_delivery")]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
