"""What the widget may send on its websocket (pure): a small JSON object with a known "type".

Unlike the agents' sockets (live.frames), a bad frame does not close the visitor's socket: the
widget gets an error frame it can show (a 1 MB paste is a clear refusal, nothing stored)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from atiende.core.params import BadValue, parse_json

from .services import MAX_MESSAGE_CHARS

# A chat line of MAX_MESSAGE_CHARS characters, each escaped as \uXXXX at worst, and its envelope.
MAX_FRAME_CHARS = MAX_MESSAGE_CHARS * 6 + 200
KNOWN = frozenset({"message", "typing", "read", "ping"})


@dataclass(frozen=True)
class Frame:
    type: str
    data: dict[str, Any]


class FrameTooLarge(BadValue):
    pass


def frame_read(text_data: str | None, bytes_data: bytes | None) -> Frame:
    """The frame, or FrameTooLarge / BadValue with a message for the visitor."""
    if text_data is None or bytes_data is not None:
        raise BadValue(_("Send text frames."))
    if len(text_data) > MAX_FRAME_CHARS:
        raise FrameTooLarge(_("A chat message can have at most %(count)s characters.") % {"count": MAX_MESSAGE_CHARS})
    content = parse_json(text_data, max_depth=1)
    kind = content.get("type") if isinstance(content, dict) else None
    if not isinstance(kind, str) or kind not in KNOWN:
        raise BadValue(_("Unknown frame type."))
    return Frame(type=kind, data=content)
