"""Reading Meta's WhatsApp Cloud API webhook payloads (pure: no database).

The shape (developers.facebook.com, "Webhooks" of the Cloud API):

    {"object": "whatsapp_business_account",
     "entry": [{"id": "<WABA id>", "changes": [{"field": "messages", "value": {
         "messaging_product": "whatsapp",
         "metadata": {"display_phone_number": "...", "phone_number_id": "..."},
         "contacts": [{"profile": {"name": "..."}, "wa_id": "..."}],
         "messages": [{"from": "<wa_id>", "id": "wamid...", "timestamp": "<unix>", "type": "text",
                       "text": {"body": "..."}}],
         "statuses": [{"id": "wamid...", "status": "sent|delivered|read|failed", "timestamp": "...",
                       "recipient_id": "...", "errors": [{"code": 131047, "title": "...",
                       "message": "...", "error_data": {"details": "..."}}]}]}}]}]}
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils.translation import gettext as _


class BadPayload(ValueError):
    """Not a WhatsApp Business Account webhook we can read."""


MEDIA_KINDS = ("image", "document", "audio", "video", "sticker")


@dataclass(frozen=True)
class MediaRef:
    """A file a message carries, by Meta's media id (fetched with the access token)."""

    kind: str
    media_id: str
    filename: str
    mime_type: str
    caption: str
    voice: bool = False


@dataclass(frozen=True)
class IncomingMessage:
    phone_number_id: str
    wamid: str
    wa_id: str
    profile_name: str
    text: str
    received_at: datetime | None
    media: MediaRef | None = None


@dataclass(frozen=True)
class IncomingStatus:
    phone_number_id: str
    wamid: str
    status: str
    reason: str


def parse(body: bytes) -> dict:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise BadPayload(_("The body is not valid JSON.")) from None
    if not isinstance(data, dict) or data.get("object") != "whatsapp_business_account":
        raise BadPayload(_("Not a WhatsApp Business Account notification."))
    if not isinstance(data.get("entry"), list):
        raise BadPayload(_("The notification has no entries."))
    for _entry, value in _values(data):
        metadata = value.get("metadata")
        if not isinstance(metadata, dict) or not isinstance(metadata.get("phone_number_id"), str):
            raise BadPayload(_("A change has no phone number id."))
    return data


def phone_number_ids(data: dict) -> set[str]:
    return {value["metadata"]["phone_number_id"] for _entry, value in _values(data)}


def _values(data: dict):
    for entry in data.get("entry") or []:
        if not isinstance(entry, dict):
            raise BadPayload(_("An entry is not an object."))
        changes = entry.get("changes") or []
        if not isinstance(changes, list):
            raise BadPayload(_("An entry's changes are not a list."))
        for change in changes:
            if not isinstance(change, dict) or not isinstance(change.get("value"), dict):
                raise BadPayload(_("A change has no value."))
            if change.get("field", "messages") != "messages":
                continue
            yield entry, change["value"]


def _list(value: dict, key: str) -> list[dict]:
    items = value.get(key) or []
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _str(value) -> str:
    """A string field; NUL, which JSON allows escaped and PostgreSQL's text does not, is dropped."""
    text = value if isinstance(value, str) else ("" if value is None or isinstance(value, (dict, list)) else str(value))
    return text.replace("\x00", "")


def _time(value) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def messages(data: dict) -> list[IncomingMessage]:
    found = []
    for _entry, value in _values(data):
        number_id = value["metadata"]["phone_number_id"]
        names = {_str(c.get("wa_id")): _str((c.get("profile") or {}).get("name") if isinstance(c.get("profile"), dict) else "")
                 for c in _list(value, "contacts")}
        for item in _list(value, "messages"):
            wa_id, wamid = _str(item.get("from")), _str(item.get("id"))
            if not wa_id or not wamid:
                continue
            found.append(IncomingMessage(number_id, wamid, wa_id, names.get(wa_id, ""), message_text(item),
                                         _time(item.get("timestamp")), media_ref(item)))
    return found


def statuses(data: dict) -> list[IncomingStatus]:
    found = []
    for _entry, value in _values(data):
        number_id = value["metadata"]["phone_number_id"]
        for item in _list(value, "statuses"):
            wamid, status = _str(item.get("id")), _str(item.get("status"))
            if not wamid or not status:
                continue
            reasons = []
            for error in _list(item, "errors"):
                details = error.get("error_data") if isinstance(error.get("error_data"), dict) else {}
                words = _str(error.get("message") or error.get("title"))
                if details.get("details"):
                    words = f"{words}: {_str(details['details'])}" if words else _str(details["details"])
                code = error.get("code")
                reasons.append(f"({code}) {words}" if code is not None else words)
            found.append(IncomingStatus(number_id, wamid, status, "; ".join(reasons)))
    return found


def media_ref(item: dict) -> MediaRef | None:
    kind = _str(item.get("type"))
    part = item.get(kind) if isinstance(item.get(kind), dict) else None
    if kind not in MEDIA_KINDS or part is None or not _str(part.get("id")):
        return None
    return MediaRef(kind, _str(part.get("id")), _str(part.get("filename")), _str(part.get("mime_type")),
                    _str(part.get("caption")).strip(), part.get("voice") is True)


def media_label(item: dict) -> str:
    """What a media message is, in words: "[Image]", "[Document: factura.pdf]"."""
    kind = _str(item.get("type"))
    part = item.get(kind) if isinstance(item.get(kind), dict) else {}
    return {
        "image": _("[Image]"), "video": _("[Video]"), "sticker": _("[Sticker]"),
        "audio": _("[Voice message]") if part.get("voice") else _("[Audio]"),
        "document": _("[Document: %(name)s]") % {"name": _str(part.get("filename")) or "?"},
    }[kind]


def message_text(item: dict) -> str:
    """The text of a message: a media message's caption (the file is fetched apart), a location or
    contact card in words; for what cannot be shown, a placeholder naming it."""
    kind = _str(item.get("type"))
    part = item.get(kind) if isinstance(item.get(kind), dict) else {}
    caption = _str(part.get("caption")).strip()
    if kind == "text":
        return _str(part.get("body"))
    if kind in MEDIA_KINDS:
        return caption
    if kind == "location":
        return location_text(part)
    if kind == "contacts":
        return contacts_text(item.get("contacts"))
    if kind == "button":
        return _str(part.get("text")) or _("[Button]")
    if kind == "interactive":
        reply = part.get("button_reply") or part.get("list_reply") or {}
        return _str(reply.get("title") if isinstance(reply, dict) else "") or _("[Interactive reply]")
    if kind == "reaction":
        return _("[Reaction: %(emoji)s]") % {"emoji": _str(part.get("emoji")) or "?"}
    return _("[Message of type %(type)s, not shown]") % {"type": kind or "?"}


def _coordinate(value, bound: float) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if -bound <= number <= bound else None


def location_text(part: dict) -> str:
    """A shared location: its name, address, coordinates and a map link (when they are numbers)."""
    lines = [_("[Location]")]
    lines += [s for s in (_str(part.get("name")).strip(), _str(part.get("address")).strip()) if s]
    lat, lon = _coordinate(part.get("latitude"), 90), _coordinate(part.get("longitude"), 180)
    if lat is not None and lon is not None:
        lines.append(f"{lat}, {lon}")
        lines.append(f"https://www.google.com/maps/search/?api=1&query={lat},{lon}")
    return "\n".join(lines)


def contacts_text(cards) -> str:
    """Shared contact cards: each one's name, phones and emails."""
    blocks = []
    for card in cards if isinstance(cards, list) else []:
        if not isinstance(card, dict):
            continue
        name = card.get("name") if isinstance(card.get("name"), dict) else {}
        lines = [_("[Contact] %(name)s") % {"name": _str(name.get("formatted_name")).strip() or "?"}]
        phones = [_str(p.get("phone")).strip() for p in _list(card, "phones")]
        emails = [_str(e.get("email")).strip() for e in _list(card, "emails")]
        if any(phones):
            lines.append(_("Phone: %(phones)s") % {"phones": ", ".join(p for p in phones if p)})
        if any(emails):
            lines.append(_("Email: %(emails)s") % {"emails": ", ".join(e for e in emails if e)})
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) or _("[Contact: %(cards)s]") % {"cards": "?"}
