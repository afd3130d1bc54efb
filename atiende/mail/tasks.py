"""Background work for the email channel; the logic lives in services and notifications."""

from celery import shared_task
from django.conf import settings

from . import notifications


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def size_notice(self, *, address: str, subject: str, dropped: list[str], whole_message: bool) -> None:
    notifications.size_notice_send(address=address, subject=subject, dropped=dropped, whole_message=whole_message)


@shared_task(bind=True, max_retries=4)
def send_email(self, *, outbound_id: int) -> str:
    """Send one queued reply; retried with growing waits (DELIVERY_RETRY_SECONDS: 1, 2, 4, 8
    minutes by default), then marked failed."""
    from .outbound import Delivery, deliver

    outcome = deliver(outbound_id)
    if outcome == Delivery.RETRY and not self.request.is_eager:
        raise self.retry(countdown=settings.DELIVERY_RETRY_SECONDS * 2 ** self.request.retries)
    return outcome


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def poll_mailboxes(self) -> dict[str, int]:
    """Read every active IMAP mailbox once (scheduled); a repeat run takes nothing twice."""
    from .polling import mailboxes_poll  # here: polling imports services, which import this module

    reports = mailboxes_poll()
    return {
        "mailboxes": len(reports),
        "failed": sum(1 for report in reports if report.error),
        "messages": sum(report.outcomes.total() for report in reports),
    }
