"""Reads for the webhooks API and page: administrators only."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from atiende.accounts.models import User
from atiende.core.exceptions import Forbidden, NotFound

from .models import Attempt, Delivery, DeliveryStatus, Subscription
from .permissions import can_manage_webhooks


def subscription_list(*, user: User) -> QuerySet[Subscription]:
    if not can_manage_webhooks(user):
        raise Forbidden()
    return Subscription.objects.order_by("pk")


def subscription_get(*, user: User, subscription_id: int) -> Subscription:
    subscription = subscription_list(user=user).filter(pk=subscription_id).first()
    if subscription is None:
        raise NotFound()
    return subscription


def delivery_list(*, user: User, subscription: Subscription, status: str = "") -> QuerySet[Delivery]:
    """Newest first (callers page through it by created_at and id)."""
    if not can_manage_webhooks(user):
        raise Forbidden()
    deliveries = Delivery.objects.filter(subscription=subscription).defer("body")
    if status in DeliveryStatus.values:
        deliveries = deliveries.filter(status=status)
    return deliveries


def delivery_get(*, user: User, subscription: Subscription, public_id: uuid.UUID) -> Delivery:
    if not can_manage_webhooks(user):
        raise Forbidden()
    delivery = Delivery.objects.filter(subscription=subscription, public_id=public_id).first()
    if delivery is None:
        raise NotFound()
    return delivery


def attempt_list(delivery: Delivery) -> list[Attempt]:
    """A delivery's attempts, first to last (call after delivery_get has checked the caller)."""
    return list(Attempt.objects.filter(delivery=delivery).order_by("number", "pk"))
