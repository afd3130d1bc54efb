"""Background work for maintenance; the logic lives in services."""

from celery import shared_task


@shared_task(name="maintenance.pass")
def maintenance_pass() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE "maintenance-pass", also the embedded scheduler): open the
    visits coming due, then send the warranty reminders. Safe to run twice, even at once."""
    from .services import maintenance_pass as open_visits
    from .services import warranty_reminders_run

    return open_visits() + warranty_reminders_run()


@shared_task(name="maintenance.reminder_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_reminder(*, addresses: list[str], subject: str, body: str) -> bool:
    from .notifications import reminder_email_send

    return reminder_email_send(addresses=addresses, subject=subject, body=body)
