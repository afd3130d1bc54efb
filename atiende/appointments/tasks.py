"""Background work for appointments; the logic lives in services and notifications."""

from celery import shared_task


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_appointment(self, *, appointment_id: int, event: str) -> int:
    from .notifications import appointment_mail

    return appointment_mail(appointment_id=appointment_id, event=event)


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_reminders(self) -> int:
    """Periodic: the day-before and hour-before reminders that came due (each exactly once)."""
    from .services import reminders_send

    return reminders_send()
