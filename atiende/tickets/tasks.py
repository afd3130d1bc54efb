from celery import shared_task
from django.conf import settings

from . import notifications


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_referral(self, *, message_id: int, collaborator_id: int) -> bool:
    return notifications.referral_send(message_id=message_id, collaborator_id=collaborator_id)


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def acknowledge_ticket(self, *, ticket_id: int) -> bool:
    return notifications.acknowledgement_send(ticket_id=ticket_id)


@shared_task(bind=True, max_retries=4)
def deliver_message(self, *, delivery_id: int) -> str:
    """Hand one queued delivery to its channel's adapter; retried with growing waits (DELIVERY_RETRY_SECONDS:
    1, 2, 4, 8 minutes by default), then marked failed."""
    from .services.deliveries import Outcome, delivery_attempt  # services queue this task

    outcome = delivery_attempt(delivery_id)
    if outcome == Outcome.RETRY and not self.request.is_eager:
        raise self.retry(countdown=settings.DELIVERY_RETRY_SECONDS * 2 ** self.request.retries)
    return outcome
