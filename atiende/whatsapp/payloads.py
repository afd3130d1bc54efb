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


@dataclass(frozen=True)
class IncomingMessage:
    phone_number_id: str
    wamid: str
    wa_id: str
    profile_name: str
    text: str
    received_at: datetime | None


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
                                         _time(item.get("timestamp"))))
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


def message_text(item: dict) -> str:
    """The text of a message; for what is not text (yet), a placeholder naming it."""
    kind = _str(item.get("type"))
    part = item.get(kind) if isinstance(item.get(kind), dict) else {}
    caption = _str(part.get("caption")).strip()
    if kind == "text":
        return _str(part.get("body"))
    if kind in ("image", "video", "sticker", "audio", "document"):
        label = {
            "image": _("[Image]"), "video": _("[Video]"), "sticker": _("[Sticker]"),
            "audio": _("[Voice message]") if part.get("voice") else _("[Audio]"),
            "document": _("[Document: %(name)s]") % {"name": _str(part.get("filename")) or "?"},
        }[kind]
        return f"{label} {caption}" if caption else label
    if kind == "location":
        where = _("[Location: %(lat)s, %(lon)s]") % {"lat": _str(part.get("latitude")), "lon": _str(part.get("longitude"))}
        named = " — ".join(s for s in (_str(part.get("name")), _str(part.get("address"))) if s)
        return f"{where} {named}" if named else where
    if kind == "contacts":
        cards = []
        for contact in item.get("contacts") if isinstance(item.get("contacts"), list) else []:
            if not isinstance(contact, dict):
                continue
            name = _str((contact.get("name") or {}).get("formatted_name") if isinstance(contact.get("name"), dict) else "")
            phones = ", ".join(_str(p.get("phone")) for p in contact.get("phones") or [] if isinstance(p, dict))
            cards.append(" ".join(s for s in (name, phones) if s))
        return _("[Contact: %(cards)s]") % {"cards": "; ".join(c for c in cards if c) or "?"}
    if kind == "button":
        return _str(part.get("text")) or _("[Button]")
    if kind == "interactive":
        reply = part.get("button_reply") or part.get("list_reply") or {}
        return _str(reply.get("title") if isinstance(reply, dict) else "") or _("[Interactive reply]")
    if kind == "reaction":
        return _("[Reaction: %(emoji)s]") % {"emoji": _str(part.get("emoji")) or "?"}
    return _("[Message of type %(type)s, not shown]") % {"type": kind or "?"}
