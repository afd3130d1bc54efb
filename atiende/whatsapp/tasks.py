"""Background work for WhatsApp; the logic lives in services."""

from celery import shared_task


@shared_task(bind=True, name="whatsapp.process_event", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def process_event(self, *, event_id: int) -> None:
    """One event by itself: a failed event's retries, and jobs queued before drains existed."""
    from .services import MediaRetry, event_process  # services queue this task

    try:
        event_process(event_id, final=self.request.retries >= self.max_retries)
    except MediaRetry as exc:  # a file that may come next time; the last attempt stores a note instead
        raise self.retry(exc=exc, countdown=60 * 2 ** self.request.retries) from exc


@shared_task(name="whatsapp.drain")
def drain() -> int:
    from .services import events_drain

    return events_drain()


@shared_task(name="whatsapp.prune")
def prune() -> tuple[int, int]:
    from .services import events_prune

    return events_prune()
