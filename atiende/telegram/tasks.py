"""Background work for Telegram; the logic lives in services."""

from celery import shared_task


@shared_task(bind=True, name="telegram.process_update", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def process_update(self, *, update_pk: int) -> None:
    from .services import update_process  # services queue this task

    update_process(update_pk)

