"""A Telegram bot connected through the Bot API, and the updates its webhook received.

The bot token (which lets whoever holds it read and write as the bot) and the webhook's secret
token are encrypted at rest (`core.crypto`) and never leave through the API. Every update is
stored before anything is done with it, once per (bot, update_id)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from atiende.accounts.models import Team
from atiende.core import clock
from atiende.core.crypto import EncryptedTextField

DEFAULT_API_BASE = "https://api.telegram.org"


class WebhookState(models.TextChoices):
    PENDING = "pending", _("Not set yet")
    SET = "set", _("Set")
    FAILED = "failed", _("Failed")


class TelegramBot(models.Model):
    name = models.CharField(_("name"), max_length=120)
    # The numeric part of the token before ":" is the bot's own user id: one bot, one row, even
    # after its token is revoked and a new one typed in.
    telegram_id = models.CharField(_("bot id"), max_length=20, unique=True, editable=False)
    bot_token = EncryptedTextField(_("bot token"))
    secret_token = EncryptedTextField(_("secret token"))
    api_base = models.CharField(_("Bot API address"), max_length=200, default=DEFAULT_API_BASE)
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("team for new tickets"))
    active = models.BooleanField(_("active"), default=True)
    # What Telegram answered the last setWebhook.
    webhook_state = models.CharField(_("webhook"), max_length=10, choices=WebhookState.choices,
                                     default=WebhookState.PENDING)
    webhook_detail = models.TextField(_("webhook detail"), blank=True)
    webhook_checked_at = models.DateTimeField(_("webhook checked at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("Telegram bot")
        verbose_name_plural = _("Telegram bots")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class UpdateState(models.TextChoices):
    RECEIVED = "received", _("Received")
    PROCESSED = "processed", _("Processed")
    IGNORED = "ignored", _("Ignored")
    FAILED = "failed", _("Failed")


class TelegramUpdate(models.Model):
    """One update POSTed to a bot's webhook (secret checked). Telegram retries an update it got
    no 2xx for with the same `update_id`: it is this row again. An update that is not a private
    chat's message (a group's, an unknown type) is kept without its body, as ignored."""

    bot = models.ForeignKey(TelegramBot, on_delete=models.CASCADE, related_name="updates")
    update_id = models.BigIntegerField(_("update id"))
    kind = models.CharField(_("kind"), max_length=40, blank=True)
    body = models.TextField(_("body"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=UpdateState.choices, default=UpdateState.RECEIVED)
    error = models.TextField(_("error"), blank=True)
    received_at = models.DateTimeField(_("received at"), default=clock.now)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Telegram update")
        verbose_name_plural = _("Telegram updates")
        constraints = [models.UniqueConstraint(fields=["bot", "update_id"], name="telegram_update_unique_id")]

    def __str__(self) -> str:
        return f"{self.bot_id}:{self.update_id}"
