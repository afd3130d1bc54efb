"""Telegram as a channel adapter (`atiende.tickets.channels`), registered by `TelegramConfig.ready()`.

It answers tickets opened on Telegram with `sendMessage`, by the bot the conversation came in on,
to its chat (the thread key `<bot id>:<chat id>` of the ticket's `ChannelThread`): the text,
then each file the agent attached (`sendPhoto` for pictures, `sendDocument` for the rest)."""

from __future__ import annotations

import logging
from functools import partial

from django.utils.translation import gettext as _

from atiende.core.params import is_id_text
from atiende.customers.models import IdentityKind
from atiende.tickets.channels import (
    DeliveryFailed,
    MessagingAdapter,
    Notice,
    Outreach,
    deliver_in_steps,
)
from atiende.tickets.models import Channel, ChannelThread, Delivery, Ticket
from atiende.tickets.selectors import latest_thread_keys

from . import botapi
from .models import TelegramBot

logger = logging.getLogger(__name__)


def conversation(ticket: Ticket) -> tuple[TelegramBot, str] | None:
    """The active bot and the chat id of the ticket's latest Telegram conversation."""
    keys = (ChannelThread.objects.filter(ticket=ticket, channel=Channel.TELEGRAM)
            .order_by("-updated_at", "-pk").values_list("thread_key", flat=True))
    for key in keys:
        found = _bot_and_chat(key)
        if found is not None:
            return found
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

    def outreach_addresses(self, customer_ids: list[int], language: str) -> dict[int, str]:
        return outreach_addresses(customer_ids)

    def outreach_send(self, address: str, outreach: Outreach) -> str:
        """The subject, then the whole text (in parts past Telegram's 4,096 characters)."""
        found = _bot_and_chat(address)
        if found is None:
            raise DeliveryFailed(_("The Telegram bot of this conversation is not connected any more."), permanent=True)
        bot, chat_id = found
        parts = botapi.split_text(f"{outreach.subject}\n\n{outreach.body}", botapi.MAX_TEXT)
        return [botapi.send_message(bot, chat_id, part) for part in parts][0]


def _bot_and_chat(key: str) -> tuple[TelegramBot, str] | None:
    bot_id, _sep, chat_id = key.partition(":")
    if not is_id_text(bot_id) or not chat_id:
        return None
    bot = TelegramBot.objects.filter(pk=int(bot_id), active=True).first()
    return (bot, chat_id) if bot is not None else None


def outreach_addresses(customer_ids: list[int]) -> dict[int, str]:
    """Customers a bot can write to first: those with a Telegram conversation on an active bot
    (a bot may write only to someone who started it), as its thread key `<bot id>:<chat id>`."""
    bots = {str(pk) for pk in TelegramBot.objects.filter(active=True).values_list("pk", flat=True)}
    return latest_thread_keys(channel=Channel.TELEGRAM, customer_ids=customer_ids, accounts=bots)


def _send_in_parts(delivery: Delivery, bot, chat_id: str) -> str:
    """Text longer than Telegram's 4,096 characters goes as several messages, then each file."""
    parts = [partial(botapi.send_message, bot, chat_id, part) for part in botapi.split_text(delivery.message.body_text, botapi.MAX_TEXT)]
    files = [partial(botapi.send_file, bot, chat_id, attachment) for attachment in delivery.message.attachments.all()]
    return deliver_in_steps(delivery, [*parts, *files])
