"""Background work for privacy; the logic lives in services."""

from celery import shared_task


@shared_task(name="privacy.retention")
def retention() -> dict[str, int]:
    """Scheduled (beat entry "privacy-retention"): apply the enabled retention rules."""
    from .services import retention_apply

    return {row.key: row.count for row in retention_apply().kinds}
