"""Background work for service levels; the logic lives in services and notifications."""

from celery import shared_task

from . import notifications
from .services.clocks import sla_reevaluate_many
from .services.scan import sla_scan


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def scan(self) -> dict:
    """Periodic: act on warnings and breaches that have come due. Safe to run twice at once."""
    result = sla_scan()
    return {"warned": result.warned, "breached": result.breached}


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_alert(self, *, clock_ids: list[int], alert: str) -> int:
    return notifications.alert_send(clock_ids=clock_ids, alert=alert)


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def reevaluate_tickets(self, *, reason: str, organization_id: int | None = None, calendar_id: int | None = None) -> int:
    """Idempotent: a ticket already under the right policy and targets is left as it is."""
    return sla_reevaluate_many(reason=reason, organization_id=organization_id, calendar_id=calendar_id)
