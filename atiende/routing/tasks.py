"""Background work for routing; the logic lives in services and notifications."""

from celery import shared_task


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def routing_pass(self) -> dict:
    """Periodic: waiting tickets to agents now available; consultation reminders and breaches."""
    from .services import consultation_scan, waiting_assign

    assigned = waiting_assign()
    scan = consultation_scan()
    return {"assigned": assigned, "reminded": scan.reminded, "breached": scan.breached}


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_consultation(self, *, consultation_id: int, event: str) -> int:
    from .notifications import consultation_mail

    return consultation_mail(consultation_id=consultation_id, event=event)
