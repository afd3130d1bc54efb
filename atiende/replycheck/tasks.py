"""Background work for the reply checker; the logic lives in services."""

from celery import shared_task

from . import services


@shared_task
def record_sent_reply(*, message_id: int, seen: list[str]) -> bool:
    """Check a public reply as it was sent, for the coaching reports (once per message)."""
    return services.sent_reply_record(message_id=message_id, seen=seen) is not None
