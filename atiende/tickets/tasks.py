from celery import shared_task

from . import notifications


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_referral(self, *, message_id: int, collaborator_id: int) -> bool:
    return notifications.referral_send(message_id=message_id, collaborator_id=collaborator_id)


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def acknowledge_ticket(self, *, ticket_id: int) -> bool:
    return notifications.acknowledgement_send(ticket_id=ticket_id)
