"""Background work for WhatsApp; the logic lives in services."""

from celery import shared_task


@shared_task(bind=True, name="whatsapp.process_event", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def process_event(self, *, event_id: int) -> None:
    from .services import event_process  # services queue this task

    event_process(event_id)
