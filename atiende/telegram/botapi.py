"""Telegram's Bot API: setWebhook, getFile and the file download, sendMessage, sendPhoto and
sendDocument.

Every call is `{api_base}/bot<token>/<method>`, a POST of JSON (a multipart form with a file) answered `{"ok": true, "result":
…}` or `{"ok": false, "error_code": …, "description": …, "parameters": {"retry_after": …}}`
(core.telegram.org/bots/api). SSRF: the only host ever called is the bot's configured
`api_base` (`core.apibase`, checked again here); the token must look like one (digits, ":",
URL-safe characters) and a file path from getFile is checked before it is put in the download
URL. Redirects are not followed. The token is part of every URL, so no URL is ever logged or
put in an error: errors name the exception's type only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx
from django.utils.translation import gettext as _

from atiende.core.apibase import api_base_problem
from atiende.core.textparts import split_text, within  # noqa: F401 - split_text: the adapter's
from atiende.tickets.channels import DeliveryFailed

from .models import TelegramBot

TIMEOUT = httpx.Timeout(15.0, connect=5.0)
MAX_TEXT = 4096  # Telegram's limit for a message's text
TOKEN = re.compile(r"^(\d{1,20}):[A-Za-z0-9_-]{20,200}$")
SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what Telegram accepts as secret_token
FILE_PATH = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_./-]{0,255}$")
CHUNK_BYTES = 64 * 1024


class BotApiError(Exception):
    """A call that did not succeed: `status` is Telegram's error code (0: not reached),
    `retry_after` the seconds a 429 asks to wait."""

    def __init__(self, reason: str, *, status: int = 0, retry_after: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_after = retry_after


class FileTooLarge(BotApiError):  # noqa: N818 - an outcome, as the others
    pass


class NotConfigured(BotApiError):  # noqa: N818
    """The stored address or token is not one we call (written past the checks): never called."""


@dataclass(frozen=True)
class Downloaded:
    content: bytes
    content_type: str


def token_problem(token: str) -> str:
    return "" if TOKEN.match(token or "") else _("This is not a bot token as BotFather gives it (123456:ABC…).")


def secret_problem(secret: str) -> str:
    return "" if SECRET.match(secret or "") else _("1 to 256 characters: letters, digits, _ and -.")


def _base(bot: TelegramBot) -> str:
    if api_base_problem(bot.api_base) or token_problem(bot.bot_token):
        raise NotConfigured(_("The Telegram bot is not configured correctly."))
    return bot.api_base.rstrip("/")


def call(bot: TelegramBot, method: str, payload: dict[str, Any], files: dict[str, Any] | None = None) -> Any:
    """One Bot API method; its `result`, or BotApiError. With `files`, a multipart form."""
    url = f"{_base(bot)}/bot{bot.bot_token}/{method}"
    body = {"data": payload, "files": files} if files else {"json": payload}
    try:
        response = httpx.post(url, **body, timeout=TIMEOUT, follow_redirects=False)
    except httpx.HTTPError as exc:
        raise BotApiError(_("Telegram could not be reached: %(error)s") % {"error": type(exc).__name__}) from None
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        data = {}
    if 200 <= response.status_code < 300 and data.get("ok") is True:
        return data.get("result")
    status = data.get("error_code") if isinstance(data.get("error_code"), int) else response.status_code
    description = str(data.get("description") or response.reason_phrase or status)[:1000]
    parameters = data.get("parameters") if isinstance(data.get("parameters"), dict) else {}
    retry_after = parameters.get("retry_after") if isinstance(parameters.get("retry_after"), int) else None
    reason = _("Telegram refused %(method)s (%(status)s): %(description)s") % {
        "method": method, "status": status, "description": description}
    raise BotApiError(reason, status=status, retry_after=retry_after)


def set_webhook(bot: TelegramBot, url: str) -> str:
    """Point the bot's updates at `url`, signed with its secret token; Telegram's description."""
    call(bot, "setWebhook", {"url": url, "secret_token": bot.secret_token,
                             "allowed_updates": ["message", "edited_message"]})
    return _("Webhook set.")


def send_message(bot: TelegramBot, chat_id: str, text: str) -> str:
    """Send `text` to the chat; the new message's id, or DeliveryFailed: permanent for a 4xx
    other than 429 (403: the user blocked the bot; 400: chat not found), else transient."""
    return _sent_id(lambda: call(bot, "sendMessage", {"chat_id": chat_id, "text": within(text, MAX_TEXT)}))


PHOTO_TYPES = frozenset({"image/jpeg", "image/png"})
PHOTO_MAX_BYTES = 10 * 1024 * 1024  # sendPhoto's limit; larger pictures go as documents
UPLOAD_MAX_BYTES = 50 * 1024 * 1024  # what a bot may upload at all


def send_file(bot: TelegramBot, chat_id: str, attachment: Any) -> str:
    """Send one of a reply's attachments (a `tickets.Attachment`): a picture with sendPhoto, any
    other file with sendDocument under its own name."""
    if attachment.size > UPLOAD_MAX_BYTES:
        raise DeliveryFailed(_("%(name)s is larger than the 50 MB Telegram takes from a bot.")
                             % {"name": attachment.filename}, permanent=True)
    photo = attachment.content_type in PHOTO_TYPES and attachment.size <= PHOTO_MAX_BYTES
    method, field = ("sendPhoto", "photo") if photo else ("sendDocument", "document")
    with attachment.file.open("rb") as content:
        return _sent_id(lambda: call(bot, method, {"chat_id": chat_id},
                                     files={field: (attachment.filename, content, attachment.content_type)}))


def _sent_id(send) -> str:
    try:
        result = send()
    except BotApiError as exc:
        reason = exc.reason
        if exc.retry_after is not None:
            reason = _("%(reason)s (retry after %(seconds)s s)") % {"reason": reason, "seconds": exc.retry_after}
        permanent = isinstance(exc, NotConfigured) or (400 <= exc.status < 500 and exc.status != 429)
        raise DeliveryFailed(reason[:2000], permanent=permanent) from None
    message_id = result.get("message_id") if isinstance(result, dict) else None
    if not isinstance(message_id, int):
        raise DeliveryFailed(_("Telegram answered without a message id."), permanent=True)
    return str(message_id)


def download(bot: TelegramBot, file_id: str, *, limit: int) -> Downloaded:
    """getFile, then the file itself, streamed and cut off past `limit` bytes (FileTooLarge)."""
    result = call(bot, "getFile", {"file_id": file_id})
    if not isinstance(result, dict):
        raise BotApiError(_("Telegram answered getFile without a file."))
    size = result.get("file_size")
    if isinstance(size, int) and size > limit:
        raise FileTooLarge(_("The file is larger than the limit."))
    path = result.get("file_path")
    if not isinstance(path, str) or not FILE_PATH.match(path) or ".." in path.split("/"):
        raise BotApiError(_("Telegram gave no file path that can be downloaded."))
    url = f"{_base(bot)}/file/bot{bot.bot_token}/{path}"
    chunks, total = [], 0
    try:
        with httpx.stream("GET", url, timeout=TIMEOUT, follow_redirects=False) as response:
            if response.status_code != 200:
                raise BotApiError(_("Telegram refused the download (%(status)s).") % {"status": response.status_code},
                                  status=response.status_code)
            for chunk in response.iter_bytes(CHUNK_BYTES):
                total += len(chunk)
                if total > limit:
                    raise FileTooLarge(_("The file is larger than the limit."))
                chunks.append(chunk)
            content_type = response.headers.get("Content-Type", "")
    except httpx.HTTPError as exc:
        raise BotApiError(_("Telegram could not be reached: %(error)s") % {"error": type(exc).__name__}) from None
    return Downloaded(b"".join(chunks), content_type)
