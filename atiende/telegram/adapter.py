"""Telegram as a channel adapter (`atiende.tickets.channels`), registered by `TelegramConfig.ready()`.

It answers tickets opened on Telegram with `sendMessage`, by the bot the conversation came in on,
to its chat (the thread key `<bot id>:<chat id>` of the ticket's `ChannelThread`). Text only."""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from atiende.core.params import is_id_text
from atiende.customers.models import IdentityKind
from atiende.tickets.channels import DeliveryFailed, MessagingAdapter, Notice
from atiende.tickets.models import Channel, ChannelThread, Delivery, Ticket

from . import botapi
from .models import TelegramBot

logger = logging.getLogger(__name__)


def conversation(ticket: Ticket) -> tuple[TelegramBot, str] | None:
    """The active bot and the chat id of the ticket's latest Telegram conversation."""
    keys = (ChannelThread.objects.filter(ticket=ticket, channel=Channel.TELEGRAM)
            .order_by("-updated_at", "-pk").values_list("thread_key", flat=True))
    for key in keys:
        bot_id, _sep, chat_id = key.partition(":")
        if not is_id_text(bot_id) or not chat_id:
            continue
        bot = TelegramBot.objects.filter(pk=int(bot_id), active=True).first()
        if bot is not None:
            return bot, chat_id
    return None


class TelegramAdapter(MessagingAdapter):
    """Replies and acknowledgements as messages from the bot in the customer's chat."""

    channel = Channel.TELEGRAM.value
    serves = frozenset({Channel.TELEGRAM.value})

    def reaches(self, ticket: Ticket) -> bool:
        if not ticket.requester.identities.filter(kind=IdentityKind.TELEGRAM).exists():
            return False
        return conversation(ticket) is not None

    def deliver(self, delivery: Delivery) -> str:
        found = conversation(delivery.message.ticket)
        if found is None:
            raise DeliveryFailed(_("The Telegram bot of this conversation is not connected any more."), permanent=True)
        bot, chat_id = found
        return _send_in_parts(delivery, bot, chat_id)

    def acknowledge(self, ticket: Ticket, notice: Notice) -> bool:
        found = conversation(ticket)
        if found is None:
            return False
        bot, chat_id = found
        try:
            botapi.send_message(bot, chat_id, notice.body.strip())
        except DeliveryFailed as failure:
            logger.warning("Telegram acknowledgement of ticket %s not sent: %s", ticket.pk, failure.reason)
            return False
        return True


def _send_in_parts(delivery: Delivery, bot, chat_id: str) -> str:
    """A reply longer than Telegram's 4,096 characters goes as several messages, in order. The
    parts sent are recorded on the delivery as they go, so a retry after a failure part-way sends
    only the rest (the customer never reads a part twice). The first part's id is the delivery's."""
    progress = delivery.payload if isinstance(delivery.payload, dict) else {}
    parts = botapi.split_text(delivery.message.body_text)
    first_id = progress.get("telegram_first_id", "")
    for index in range(int(progress.get("telegram_parts_sent", 0)), len(parts)):
        message_id = botapi.send_message(bot, chat_id, parts[index])
        first_id = first_id or message_id
        progress = {**progress, "telegram_parts_sent": index + 1, "telegram_first_id": first_id}
        delivery.payload = progress
        Delivery.objects.filter(pk=delivery.pk).update(payload=progress)
    return first_id
