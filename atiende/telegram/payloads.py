"""Reading Telegram Bot API updates (pure: no database, no network).

The shape (core.telegram.org/bots/api#update):

    {"update_id": 83241197,
     "message": {"message_id": 17, "date": 1765000000,
                 "from": {"id": 987654321, "is_bot": false, "first_name": "José", "last_name": "Pérez",
                          "username": "jperez", "language_code": "es"},
                 "chat": {"id": 987654321, "type": "private", "first_name": "José"},
                 "text": "…" | "caption": "…",
                 "photo": [{"file_id": "…", "file_unique_id": "…", "file_size": 1234, "width": 90, "height": 67}, …],
                 "document": {"file_id": "…", "file_name": "factura.pdf", "mime_type": "application/pdf",
                              "file_size": 12345}}}

`edited_message` has the same shape plus `edit_date`. Other update types (callback_query,
my_chat_member, channel_post, …) are recognised by their one key and not read."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils.translation import gettext as _

MESSAGE_KINDS = ("message", "edited_message")
PRIVATE = "private"


class BadPayload(ValueError):
    """Not a Telegram update we can read."""


@dataclass(frozen=True)
class FileRef:
    file_id: str
    name: str
    content_type: str
    size: int | None


@dataclass(frozen=True)
class IncomingMessage:
    chat_id: str
    message_id: str
    sender_id: str
    sender_name: str
    text: str  # the text, or a photo's / document's caption
    sent_at: datetime | None
    edited_at: datetime | None
    photos: tuple[FileRef, ...]  # the sizes Telegram offers, smallest first
    document: FileRef | None
    other: str  # what the message is when it is neither text nor a file (sticker, voice, …)


def parse(body: bytes) -> dict:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise BadPayload(_("The body is not valid JSON.")) from None
    if not isinstance(data, dict) or not _is_int(data.get("update_id")):
        raise BadPayload(_("Not a Telegram update: it has no update_id."))
    return data


def kind(data: dict) -> str:
    """The update's type: the one key besides update_id (Telegram sends exactly one)."""
    return next((key for key in data if key != "update_id"), "")[:40]


def chat_type(data: dict) -> str:
    """The chat a message update comes from ("private", "group", "supergroup", "channel"); ""
    for updates that are not a message. A message without a readable chat is a BadPayload."""
    if kind(data) not in MESSAGE_KINDS:
        return ""
    message = data.get(kind(data))
    chat = message.get("chat") if isinstance(message, dict) else None
    if not isinstance(chat, dict) or not _is_int(chat.get("id")) or not isinstance(chat.get("type"), str):
        raise BadPayload(_("The message has no chat."))
    return chat["type"]


def message(data: dict) -> IncomingMessage:
    """A private chat's message or edit (call after `chat_type` said "private")."""
    item = data[kind(data)]
    sender = item.get("from")
    if not isinstance(sender, dict) or not _is_int(sender.get("id")) or not _is_int(item.get("message_id")):
        raise BadPayload(_("The message has no sender or no id."))
    text = _str(item.get("text")) or _str(item.get("caption"))
    photos = tuple(sorted((ref for ref in (_file(p, "photo.jpg", "image/jpeg") for p in _list(item, "photo")) if ref),
                          key=lambda ref: ref.size or 0))
    document = _file(item.get("document"), "", "")
    other = ""
    if not text and not photos and document is None:
        other = next((key for key in OTHER_KINDS if key in item), "?")
    return IncomingMessage(
        chat_id=str(item["chat"]["id"]), message_id=str(item["message_id"]), sender_id=str(sender["id"]),
        sender_name=display_name(sender), text=text, sent_at=_time(item.get("date")),
        edited_at=_time(item.get("edit_date")), photos=photos, document=document, other=other,
    )


OTHER_KINDS = ("sticker", "voice", "audio", "video", "video_note", "animation", "location", "venue", "contact",
               "poll", "dice", "game", "story")


def display_name(user: dict) -> str:
    full = " ".join(s for s in (_str(user.get("first_name")).strip(), _str(user.get("last_name")).strip()) if s)
    username = _str(user.get("username")).strip()
    return full or (f"@{username}" if username else "")


def _file(part: object, default_name: str, default_type: str) -> FileRef | None:
    if not isinstance(part, dict) or not _str(part.get("file_id")):
        return None
    size = part.get("file_size") if _is_int(part.get("file_size")) else None
    return FileRef(_str(part["file_id"])[:500], _str(part.get("file_name")) or default_name,
                   _str(part.get("mime_type")) or default_type, size)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _str(value: object) -> str:
    return value.replace("\x00", "") if isinstance(value, str) else ""


def _list(item: dict, key: str) -> list:
    value = item.get(key)
    return value if isinstance(value, list) else []


def _time(value: object) -> datetime | None:
    if not _is_int(value):
        return None
    try:
        return datetime.fromtimestamp(value, tz=UTC)  # type: ignore[arg-type]
    except (OverflowError, OSError, ValueError):
        return None
