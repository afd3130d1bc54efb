"""Telegram: configuring bots, taking in webhook updates.

An update is checked (the secret token header, in constant time, before the body is read; JSON
with an update_id) and stored before anything else, once per (bot, update_id); processing runs
after commit (`tasks.process_update`). A private chat's message goes to
`tickets.services.inbound_receive` with the external id `<bot>:<chat>:<message_id>`, its edit to
`tickets.services.inbound_edits.inbound_edit` with that same id. Anything else (a group's message,
an update type we do not read) is answered 200 so Telegram stops sending it, and kept as ignored,
without its body."""

from __future__ import annotations

import hmac
import logging
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from atiende.accounts.models import Team, User
from atiende.core import clock
from atiende.core.apibase import api_base_problem
from atiende.core.exceptions import DomainError, Forbidden, Invalid, Unauthenticated
from atiende.core.jobs import enqueue_after_commit
from atiende.tickets.inbound import Inbound, InboundFile, SenderIdentity
from atiende.tickets.models import Channel
from atiende.tickets.services import inbound_receive
from atiende.tickets.services.inbound_edits import UNKNOWN, inbound_edit

from . import botapi, payloads
from .models import TelegramBot, TelegramUpdate, UpdateState, WebhookState
from .permissions import can_manage_channels

logger = logging.getLogger(__name__)

SECRET_FIELDS = ("bot_token", "secret_token")
FIELDS = ("name", *SECRET_FIELDS, "api_base", "team", "active")


# --- configuration ------------------------------------------------------------------------------

def bot_create(*, actor: User, site: str, **values: Any) -> TelegramBot:
    """Connect a bot; its webhook is set once the row is committed (`site`: this server's
    address as Telegram must reach it, "https://soporte.example.mx/")."""
    if not can_manage_channels(actor):
        raise Forbidden()
    missing = [name for name in ("name", *SECRET_FIELDS) if not str(values.get(name) or "").strip()]
    if missing:
        raise Invalid(fields={name: _("This field is required.") for name in missing})
    return _save(TelegramBot(), values, site)


def bot_update(*, actor: User, bot: TelegramBot, site: str, **values: Any) -> TelegramBot:
    """Change what is given (a secret left out or empty keeps its stored value) and set the
    webhook again: the secret or the address may have changed, or the last attempt failed."""
    if not can_manage_channels(actor):
        raise Forbidden()
    values = {name: value for name, value in values.items() if not (name in SECRET_FIELDS and not value)}
    return _save(bot, values, site)


def bot_delete(*, actor: User, bot: TelegramBot) -> None:
    """Disconnect a bot; Telegram is asked to stop sending its updates here (best effort)."""
    if not can_manage_channels(actor):
        raise Forbidden()
    copy = TelegramBot(pk=bot.pk, bot_token=bot.bot_token, api_base=bot.api_base)
    bot.delete()
    transaction.on_commit(partial(_webhook_delete, copy))


def _save(bot: TelegramBot, values: dict[str, Any], site: str) -> TelegramBot:
    for name in FIELDS:
        if name in values:
            value = values[name]
            setattr(bot, name, value.strip() if isinstance(value, str) else value)
    errors = {}
    if not bot.name:
        errors["name"] = _("This field is required.")
    if problem := botapi.token_problem(bot.bot_token):
        errors["bot_token"] = problem
    if problem := botapi.secret_problem(bot.secret_token):
        errors["secret_token"] = problem
    if problem := api_base_problem(bot.api_base):
        errors["api_base"] = problem
    if bot.team is not None and not isinstance(bot.team, Team):
        errors["team"] = _("Unknown team.")
    if errors:
        raise Invalid(fields=errors)
    bot.telegram_id = bot.bot_token.split(":", 1)[0]
    bot.webhook_state, bot.webhook_detail = WebhookState.PENDING, ""
    try:
        with transaction.atomic():
            bot.save()
    except IntegrityError:
        raise Invalid(fields={"bot_token": _("This bot is connected already.")}) from None
    transaction.on_commit(partial(webhook_register, bot.pk, webhook_url(bot, site)))
    return bot


def webhook_url(bot: TelegramBot, site: str) -> str:
    """Names the bot by its row id, never by its token (a URL ends up in logs)."""
    return site.rstrip("/") + reverse("api:telegram-webhook", kwargs={"bot_id": bot.pk})


def webhook_register(bot_id: int, url: str) -> None:
    """setWebhook, after commit (no transaction waits on Telegram); the answer is recorded on the
    bot for the administrator, a failure too (never raised: the bot is saved either way)."""
    bot = TelegramBot.objects.filter(pk=bot_id).first()
    if bot is None:
        return
    try:
        detail, state = botapi.set_webhook(bot, url), WebhookState.SET
    except botapi.BotApiError as exc:
        detail, state = exc.reason, WebhookState.FAILED
        logger.warning("Telegram setWebhook failed for bot %s: %s", bot_id, exc.reason)
    TelegramBot.objects.filter(pk=bot_id).update(webhook_state=state, webhook_detail=detail[:2000],
                                                 webhook_checked_at=clock.now())


def _webhook_delete(bot: TelegramBot) -> None:
    try:
        botapi.call(bot, "deleteWebhook", {})
    except botapi.BotApiError as exc:
        logger.warning("Telegram deleteWebhook failed for the removed bot %s: %s", bot.pk, exc.reason)


# --- the webhook --------------------------------------------------------------------------------

def secret_check(bot: TelegramBot, given: str) -> None:
    """`X-Telegram-Bot-Api-Secret-Token` must be the bot's secret token (compared in constant time)."""
    expected = bot.secret_token
    if not expected or not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise Unauthenticated(_("The secret token is missing or not valid."), code="bad_secret")


def update_receive(bot: TelegramBot, body: bytes) -> TelegramUpdate:
    """Store one update (the caller checked the secret) and queue its processing after commit.
    Telegram's retry of an update is the stored one again."""
    try:
        data = payloads.parse(body)
        kind, chat = payloads.kind(data), payloads.chat_type(data)
        private = kind in payloads.MESSAGE_KINDS and chat == payloads.PRIVATE
        if private:
            payloads.message(data)  # a message we could not read later is refused now
    except payloads.BadPayload as exc:
        raise Invalid(str(exc), code="bad_payload") from None
    if private:
        defaults = {"kind": kind, "body": body.decode("utf-8")}
    else:
        # Not for us: acknowledged so Telegram does not retry, kept as a trace without the words.
        why = _("Not a private chat (%(type)s).") % {"type": chat} if chat else _("An update of a type not read here.")
        defaults = {"kind": kind, "state": UpdateState.IGNORED, "error": why, "processed_at": clock.now()}
        logger.info("Telegram update %s of bot %s ignored: %s %s", data["update_id"], bot.pk, kind, chat)
    with transaction.atomic():
        update, created = TelegramUpdate.objects.get_or_create(bot=bot, update_id=data["update_id"], defaults=defaults)
        if update.state in (UpdateState.RECEIVED, UpdateState.FAILED):
            from .tasks import process_update  # tasks import services

            enqueue_after_commit(process_update, update_pk=update.pk)
    return update


def update_process(update_pk: int) -> None:
    """Take in a stored update (the task's body). The port takes each message in once however
    often this runs, and an edit of the same words changes nothing, so a retry is harmless."""
    update = TelegramUpdate.objects.select_related("bot").filter(pk=update_pk).first()
    if update is None or update.state not in (UpdateState.RECEIVED, UpdateState.FAILED):
        return
    data = payloads.parse(update.body.encode("utf-8"))
    message = payloads.message(data)
    state, error = UpdateState.PROCESSED, ""
    try:
        if update.kind == "edited_message":
            if not _edit_take_in(update.bot, message):
                state, error = UpdateState.IGNORED, _("An edit of a message that was not taken in.")
        else:
            _message_take_in(update.bot, message)
    except DomainError as exc:  # refused by the port: kept as failed, with its reason
        state, error = UpdateState.FAILED, str(exc)
    update.state, update.error, update.processed_at = state, error[:10000], clock.now()
    update.save(update_fields=["state", "error", "processed_at"])


def external_id(bot: TelegramBot, message: payloads.IncomingMessage) -> str:
    """A message_id is unique within its chat only, and an edit keeps it: so bot, chat and id."""
    return f"{bot.pk}:{message.chat_id}:{message.message_id}"


def thread_key(bot: TelegramBot, chat_id: str) -> str:
    return f"{bot.pk}:{chat_id}"


def _message_take_in(bot: TelegramBot, message: payloads.IncomingMessage) -> None:
    files, notes = _files(bot, message)
    text = "\n\n".join(part for part in (_text(message), *notes) if part)
    # A ticket it opens is acknowledged by the port, on Telegram (`TelegramAdapter.acknowledge`).
    inbound_receive(Inbound(
        channel=Channel.TELEGRAM, external_id=external_id(bot, message),
        sender=SenderIdentity("telegram", message.sender_id, message.sender_name),
        thread_key=thread_key(bot, message.chat_id), text=text, files=tuple(files), received_at=message.sent_at,
        team_id=bot.team_id,
    ))


def _edit_take_in(bot: TelegramBot, message: payloads.IncomingMessage) -> bool:
    text = _text(message) or _("(This message had no text.)")
    result = inbound_edit(channel=Channel.TELEGRAM, external_id=external_id(bot, message), text=text,
                          edited_at=message.edited_at)
    return result.outcome != UNKNOWN


def _text(message: payloads.IncomingMessage) -> str:
    if message.other:
        return _("[Message of type %(type)s, not shown]") % {"type": message.other}
    return message.text


def _files(bot: TelegramBot, message: payloads.IncomingMessage) -> tuple[list[InboundFile], list[str]]:
    """The photo (its largest size under the cap) and the document, downloaded; for each one that
    could not be, a note for the message's text instead."""
    limit = settings.ATTACHMENT_MAX_BYTES
    wanted, notes = [], []
    if message.photos:
        fitting = [p for p in message.photos if p.size is None or p.size <= limit]
        if fitting:
            wanted.append(fitting[-1])
        else:
            notes.append(_too_large(_("photo"), limit))
    if message.document is not None:
        wanted.append(message.document)
    files = []
    for ref in wanted:
        name = ref.name or _("file")
        if ref.size is not None and ref.size > limit:
            notes.append(_too_large(name, limit))
            continue
        try:
            got = botapi.download(bot, ref.file_id, limit=limit)
        except botapi.FileTooLarge:
            notes.append(_too_large(name, limit))
            continue
        except botapi.BotApiError as exc:
            notes.append(_("[%(name)s could not be fetched from Telegram: %(reason)s]") % {"name": name, "reason": exc.reason})
            continue
        files.append(InboundFile(name=name, content=got.content, content_type=ref.content_type or got.content_type))
    return files, notes


def _too_large(name: str, limit: int) -> str:
    return _("[%(name)s was not taken in: it is larger than the %(limit)s MB allowed.]") % {
        "name": name, "limit": limit // (1024 * 1024)}
