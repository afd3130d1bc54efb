"""Background work of the first-responder bot; the logic lives in `bot`."""

from celery import shared_task

from . import bot


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def bot_greet(self, *, ticket_id: int) -> bool:
    """Idempotent: a ticket the bot has answered already is left alone."""
    return bot.bot_greet(ticket_id=ticket_id)


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def bot_answer(self, *, message_id: int) -> str:
    """Idempotent: only the first answer after the offer moves the conversation."""
    conversation = bot.bot_answer(message_id=message_id)
    return conversation.state if conversation is not None else ""
