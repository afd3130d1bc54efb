"""What a delivery's `data` says about the ticket (version 1, docs/api.md): the ticket as an
administrator reads it from `GET /api/v1/tickets/{id}/`, and the message, the changes or the SLA
target the event is about. Built once per event, inside the change, from the ticket as it is now."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Model
from django.utils import translation

from atiende.core import clock
from atiende.tickets.hooks import Change
from atiende.tickets.models import Message, Ticket
from atiende.tickets.selectors import tag_names_by_ticket
from atiende.tickets.serializers import ticket_data

from .events import PAYLOAD_VERSION


def ticket_part(ticket: Ticket) -> dict[str, Any]:
    tags = tag_names_by_ticket([ticket])[ticket.pk]
    # Labels in the site's language, whoever made the change: the same event reads the same.
    with translation.override(settings.LANGUAGE_CODE):
        return ticket_data(ticket, tags=tags, for_agent=True, now=clock.now())


def message_part(message: Message) -> dict[str, Any]:
    if message.author_customer_id:
        author = {"kind": message.author_kind, "id": message.author_customer_id, "name": message.author_customer.name}
    elif message.author_user_id:
        author = {"kind": message.author_kind, "id": message.author_user_id, "name": message.author_user.name}
    else:
        author = {"kind": message.author_kind, "id": None, "name": ""}
    return {
        "id": message.pk, "kind": message.kind, "channel": message.channel, "author": author,
        "body_text": message.body_text, "created_at": iso(message.created_at),
        "attachments": [{"id": str(a.public_id), "filename": a.filename, "content_type": a.content_type,
                         "size": a.size} for a in message.attachments.all()],
    }


def changes_part(changes: Sequence[Change]) -> list[dict[str, Any]]:
    return [{"field": field, "old": _plain(old), "new": _plain(new)} for field, old, new in changes]


def _plain(value: Any) -> Any:
    """A change's value as JSON: objects by id and name, lists item by item."""
    if isinstance(value, Model):
        return {"id": value.pk, "name": str(getattr(value, "name", value))}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    if isinstance(value, datetime):
        return iso(value)
    if value is None or isinstance(value, str | int | float | bool | dict):
        return value
    return str(value)


def body(*, delivery_id: str, event: str, created_at: datetime, data: dict[str, Any]) -> str:
    """The exact text posted (and signed) on every attempt of one delivery."""
    envelope = {"id": delivery_id, "event": event, "version": PAYLOAD_VERSION, "created_at": iso(created_at),
                "data": data}
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":"), default=str)


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
