"""Background work for reporting; the logic lives in selectors."""

from celery import shared_task


@shared_task(name="reporting.staffing_history")
def staffing_history() -> None:
    """Periodic (CELERY_BEAT_SCHEDULE "staffing-history"): keep the staffing page's history warm."""
    from .selectors import staffing_history_warm

    staffing_history_warm()


@shared_task(name="reporting.weekly_summary")
def weekly_summary() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE "reports-weekly-summary", Mondays): last week's summary to
    each supervisor, once per week however often it runs."""
    from .services import weekly_summaries_send

    return weekly_summaries_send()
