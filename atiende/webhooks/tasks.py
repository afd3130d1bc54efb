"""Background work for outbound webhooks; the logic lives in services."""

from celery import shared_task


@shared_task(name="webhooks.deliver")
def deliver(*, delivery_ids: list[int], manual: bool = False) -> dict[str, int]:
    """Attempt each delivery once; failures are retried by the scan, not by Celery."""
    from .services import deliveries_attempt  # services queue this task

    outcomes: dict[str, int] = {}
    for outcome in deliveries_attempt(delivery_ids, manual=manual):
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


@shared_task(name="webhooks.retry_due")
def retry_due() -> int:
    """Scheduled every WEBHOOK_RETRY_SECONDS: queue the deliveries whose retry has come."""
    from .services import deliveries_retry_due

    return deliveries_retry_due()


@shared_task(name="webhooks.prune")
def prune() -> int:
    from .services import deliveries_prune

    return deliveries_prune()


@shared_task(bind=True, name="webhooks.notify_disabled", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_disabled(self, *, subscription_id: int) -> int:
    from .notifications import disabled_notice_send

    return disabled_notice_send(subscription_id=subscription_id)
