"""Background work for goodwill credits; the logic lives in services."""

from celery import shared_task


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_approvers(self, *, credit_id: int) -> int:
    from .services import approval_request_mail

    return approval_request_mail(credit_id=credit_id)
