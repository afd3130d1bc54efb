"""Outbound webhooks' writes: subscriptions (administrators), and deliveries (the ticket hooks
queue them, a job sends them, the retry scan and "send again" try them again)."""

from .deliveries import (
    Outcome,
    deliveries_attempt,
    deliveries_prune,
    deliveries_queue,
    deliveries_retry_due,
    delivery_attempt,
    delivery_queue_to,
    delivery_redeliver,
    forget_subscriptions,
    subscribers_of,
)
from .subscriptions import subscription_create, subscription_delete, subscription_update

__all__ = [
    "Outcome", "deliveries_attempt", "deliveries_prune", "deliveries_queue", "deliveries_retry_due", "delivery_attempt", "delivery_queue_to",
    "delivery_redeliver", "forget_subscriptions", "subscribers_of", "subscription_create", "subscription_delete",
    "subscription_update",
]
