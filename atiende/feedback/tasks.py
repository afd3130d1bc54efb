"""Background work for surveys; the logic lives in services."""

from celery import shared_task

from . import services


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_due_surveys(self) -> int:
    """Periodic: send the surveys whose delay has passed. Safe to run twice at once (row locks)."""
    return services.surveys_send_due()


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_survey_email(self, *, survey_id: int) -> bool:
    return services.survey_email_send(survey_id=survey_id)


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_nps(self) -> int:
    """Periodic: ask this period's NPS sample. Safe to run twice (row locks, once per period)."""
    return services.nps_send_due()


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_nps_email(self, *, survey_id: int) -> bool:
    return services.nps_email_send(survey_id=survey_id)


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_survey_notice(self, *, survey_id: int) -> bool:
    """The survey's link into the ticket's WhatsApp or Telegram conversation (email if refused)."""
    return services.survey_notice_send(survey_id=survey_id)
