"""Background work for automation; the logic lives in services and notifications."""

from celery import shared_task


@shared_task(name="automation.time_rules")
def time_rules() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE "automation-time-rules", also the embedded scheduler): one
    pass of the active time rules. Safe to run twice, even at once: a rule fires once per ticket."""
    from .services import time_rules_run

    return time_rules_run()


@shared_task(name="automation.email", bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(self, *, ticket_id: int, address: str, subject: str, body: str) -> bool:
    from .notifications import rule_email_send

    return rule_email_send(address=address, subject=subject, body=body)
