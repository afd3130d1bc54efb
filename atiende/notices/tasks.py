"""Background work for notices; the logic lives in services (queued by name: notices.send_batch)."""

from celery import shared_task

from . import services


@shared_task(name="notices.send_batch", autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def send_batch(*, notice_id: int, recipient_ids: list[int]) -> int:
    return services.notice_batch_send(notice_id=notice_id, recipient_ids=recipient_ids)


@shared_task(name="notices.resume")
def resume() -> int:
    """Periodic: queue again the recipients a lost batch left waiting."""
    return services.notices_resume()
