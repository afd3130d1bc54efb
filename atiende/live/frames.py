"""What a browser may send on a websocket (pure): a small JSON object with a known "type".

Anything else (binary, not JSON, nested, oversized, an unknown type) is a bad frame: the
consumer closes the socket with BAD_FRAME instead of failing with a traceback and leaving the
agent shown as viewing until their presence expires.
"""

from __future__ import annotations

from collections.abc import Collection

from django.utils.translation import gettext as _

from atiende.core.params import BadValue, parse_json

BAD_FRAME = 4400
MAX_FRAME_CHARS = 1024  # {"type": "viewing"} is 19


def frame_type(text_data: str | None, bytes_data: bytes | None, known: Collection[str]) -> str:
    """The frame's "type", one of `known`; BadValue for anything else."""
    if text_data is None or bytes_data is not None:
        raise BadValue(_("Send text frames."))
    if len(text_data) > MAX_FRAME_CHARS:
        raise BadValue(_("The frame is too long."))
    content = parse_json(text_data, max_depth=1)  # {"type": ...}: an object of plain values
    kind = content.get("type") if isinstance(content, dict) else None
    if not isinstance(kind, str) or kind not in known:
        raise BadValue(_("Unknown frame type."))
    return kind
