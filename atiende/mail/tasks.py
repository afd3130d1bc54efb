"""Background work for the email channel; the logic lives in services and notifications."""

from celery import shared_task

from . import notifications


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def size_notice(self, *, address: str, subject: str, dropped: list[str], whole_message: bool) -> None:
    notifications.size_notice_send(address=address, subject=subject, dropped=dropped, whole_message=whole_message)
