from __future__ import annotations

from django.db.models import QuerySet

from atiende.accounts.models import User
from atiende.core.exceptions import Forbidden, NotFound

from .models import TelegramBot
from .permissions import can_manage_channels


def bot_list(*, user: User) -> QuerySet[TelegramBot]:
    if not can_manage_channels(user):
        raise Forbidden()
    return TelegramBot.objects.select_related("team").order_by("name", "pk")


def bot_get(*, user: User, bot_id: int) -> TelegramBot:
    bot = bot_list(user=user).filter(pk=bot_id).first()
    if bot is None:
        raise NotFound()
    return bot


def bot_for_webhook(bot_id: int) -> TelegramBot:
    """The active bot a webhook URL names (404 otherwise, as if the URL did not exist)."""
    bot = TelegramBot.objects.filter(pk=bot_id, active=True).first()
    if bot is None:
        raise NotFound()
    return bot
