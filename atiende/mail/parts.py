"""Walking a message's MIME tree into body text, HTML, attachments and report parts.

Each leaf is read with `get_payload(decode=True)` and our own charset decoding rather than
`get_content()`, which raises on unknown charsets and on multiparts whose boundary is missing.
"""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass, field
from email.message import Message
from email.policy import compat32
from email.utils import collapse_rfc2231_value

from atiende.tickets.filenames import FALLBACK, sanitize_filename

from .charsets import decode_text, repair_surrogates
from .headers import decode_words, header_text, message_ids, raw_header

# Deeper or wider trees are built to exhaust the parser, not written by mail clients.
MAX_DEPTH = 40
MAX_PARTS = 2000
CONTENT_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$")
ENCLOSED_TYPES = {"message/rfc822", "message/global"}
ENCLOSED_HEADER_TYPES = {"text/rfc822-headers", "message/rfc822-headers", "message/global-headers"}
DELIVERY_STATUS_TYPES = {"message/delivery-status", "message/global-delivery-status"}
# Extensions for unnamed parts, fixed here so names do not depend on the host's mime.types.
EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/gif": ".gif",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "message/rfc822": ".eml",
    "message/global": ".eml",
    "text/calendar": ".ics",
    "text/html": ".html",
    "text/plain": ".txt",
}


class TooComplex(Exception):
    """The tree is deeper or wider than any real message."""


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str  # safe to show and to use as a download name; never a path
    content_type: str
    content: bytes
    content_id: str | None  # without <>; what `cid:` URLs in the HTML refer to
    is_inline: bool

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass
class CollectedParts:
    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)
    oversized: list[str] = field(default_factory=list)
    delivery_status: list[str] = field(default_factory=list)
    enclosed_message_id: str | None = None
    count: int = 0


def collect_parts(msg: Message, *, max_attachment_bytes: int | None) -> CollectedParts:
    """Every body and attachment part of `msg`; raises TooComplex for absurd trees."""
    collected = CollectedParts()
    _walk(msg, collected, 0, max_attachment_bytes)
    return collected


def _walk(part: Message, into: CollectedParts, depth: int, limit: int | None) -> None:
    into.count += 1
    if depth > MAX_DEPTH or into.count > MAX_PARTS:
        raise TooComplex
    content_type = content_type_of(part)
    # Checked before is_multipart(): the parser gives these a list of sub-messages as payload.
    if content_type in DELIVERY_STATUS_TYPES:
        into.delivery_status.append(_delivery_status_text(part))
    elif content_type in ENCLOSED_TYPES:
        _add_attachment(part, content_type, into, limit)
    elif part.is_multipart():
        children = [c for c in part.get_payload() if isinstance(c, Message)]
        if content_type == "multipart/alternative":
            _walk_alternative(children, into, depth, limit)
        else:
            for child in children:
                _walk(child, into, depth + 1, limit)
    elif content_type.startswith("multipart/"):
        # The boundary is missing or never appears: what is there is the text.
        into.texts.append(_text_of(part))
    elif content_type in ENCLOSED_HEADER_TYPES:
        into.enclosed_message_id = into.enclosed_message_id or _enclosed_id_from_text(part)
    elif _is_body(part, content_type):
        target = into.htmls if content_type == "text/html" else into.texts
        target.append(_text_of(part))
    else:
        _add_attachment(part, content_type, into, limit)


def _walk_alternative(
    children: list[Message], into: CollectedParts, depth: int, limit: int | None
) -> None:
    # Versions of one body: keep the last plain and the last HTML (the richest, per RFC 2046).
    plain = html = None
    for child in children:
        content_type = content_type_of(child)
        if not child.is_multipart() and _is_body(child, content_type):
            if content_type == "text/html":
                html = _text_of(child)
            else:
                plain = _text_of(child)
        else:
            _walk(child, into, depth + 1, limit)
    if plain is not None:
        into.texts.append(plain)
    if html is not None:
        into.htmls.append(html)


def _is_body(part: Message, content_type: str) -> bool:
    if content_type not in {"text/plain", "text/html"}:
        return False
    return _disposition(part) != "attachment" and not _raw_filename(part)


def _add_attachment(
    part: Message, content_type: str, into: CollectedParts, limit: int | None
) -> None:
    raw_name = _raw_filename(part)
    if content_type in ENCLOSED_TYPES:
        enclosed = _enclosed_message(part)
        into.enclosed_message_id = into.enclosed_message_id or _enclosed_id(enclosed)
        content = _enclosed_bytes(part, enclosed)
        subject = header_text(enclosed, "subject") if enclosed is not None else None
        if not raw_name and subject and subject.strip():
            raw_name = subject + ".eml"
    else:
        content = payload_bytes(part)
    filename = safe_filename(raw_name, content_type)
    if limit is not None and len(content) > limit:
        into.oversized.append(filename)
        return
    content_id = _content_id(part)
    # Only a part the HTML can point at (cid:) is shown in place; others are listed.
    is_inline = content_id is not None and _disposition(part) != "attachment"
    attachment = ParsedAttachment(filename, content_type, content, content_id, is_inline)
    into.attachments.append(attachment)


def content_type_of(part: Message) -> str:
    try:
        value = part.get_content_type().lower()
    except Exception:
        return "application/octet-stream"
    return value if CONTENT_TYPE.match(value) else "application/octet-stream"


def payload_bytes(part: Message) -> bytes:
    """The decoded bytes of a leaf part (base64 and quoted-printable undone, leniently)."""
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if isinstance(data, bytes):
        return data
    try:
        payload = part.get_payload()
    except Exception:
        return b""
    if isinstance(payload, str):
        return payload.encode("utf-8", errors="surrogateescape")
    return b""


def _text_of(part: Message) -> str:
    try:
        charset = part.get_content_charset()
    except Exception:
        charset = None
    return decode_text(payload_bytes(part), charset)


def _disposition(part: Message) -> str | None:
    try:
        return part.get_content_disposition()
    except Exception:
        return None


def _raw_filename(part: Message) -> str:
    for getter in (part.get_filename, lambda: part.get_param("name")):
        try:
            value = getter()
        except Exception:
            continue
        if isinstance(value, tuple):
            value = collapse_rfc2231_value(value)
        if value:
            return decode_words(repair_surrogates(str(value))).strip()
    return ""


def safe_filename(raw_name: str, content_type: str) -> str:
    """A name without path, hidden-file dot or control characters; never empty."""
    name = sanitize_filename(raw_name)
    if name == FALLBACK:
        extension = EXTENSIONS.get(content_type) or mimetypes.guess_extension(content_type) or ""
        name = sanitize_filename(FALLBACK + extension)
    return name


def _content_id(part: Message) -> str | None:
    value = raw_header(part, "content-id")
    if not value:
        return None
    value = value.strip().strip("<>").strip()
    return value or None


def _enclosed_message(part: Message) -> Message | None:
    try:
        payload = part.get_payload()
    except Exception:
        return None
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        return payload[0]
    return None


def _enclosed_id(enclosed: Message | None) -> str | None:
    if enclosed is None:
        return None
    ids = message_ids(raw_header(enclosed, "message-id"))
    return ids[0] if ids else None


def _enclosed_bytes(part: Message, enclosed: Message | None) -> bytes:
    if enclosed is None:
        return payload_bytes(part)
    for generator_policy in (enclosed.policy, compat32):
        try:
            return enclosed.as_bytes(policy=generator_policy)
        except Exception:  # re-folding a malformed header can fail; the old generator copes
            continue
    return b""


def _enclosed_id_from_text(part: Message) -> str | None:
    text = _text_of(part) if not part.is_multipart() else ""
    match = re.search(r"(?im)^message-id:[ \t]*(.*(?:\r?\n[ \t].*)*)", text)
    ids = message_ids(match.group(1)) if match else ()
    return ids[0] if ids else None


def _delivery_status_text(part: Message) -> str:
    """The per-message and per-recipient fields of a DSN, as RFC 3464 text blocks."""
    try:
        payload = part.get_payload()
    except Exception:
        payload = None
    if isinstance(payload, list):
        blocks = []
        for block in payload:
            if isinstance(block, Message):
                try:
                    items = list(block.raw_items())
                except Exception:
                    continue
                lines = [f"{name}: {repair_surrogates(str(value))}" for name, value in items]
                blocks.append("\n".join(lines))
        return "\n\n".join(blocks)
    return _text_of(part)
