"""Reading header values: modern email policy first, our own tolerant decoding when it fails.

The modern policy decodes RFC 2047 and parses addresses well, but it raises on some malformed
headers, turns unknown charsets and raw 8-bit Windows-1252 into U+FFFD, and leaves raw 8-bit
UTF-8 as surrogate escapes in display names. Every function here returns text and never raises.
"""

from __future__ import annotations

import binascii
import re
from datetime import UTC, datetime
from email.message import Message
from email.policy import EmailPolicy
from email.utils import getaddresses, parsedate_to_datetime
from typing import NamedTuple

from .charsets import SURROGATE, decode_text, repair_surrogates

ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([qQbB])\?([^?\s]*)\?=")
ANGLE_ID = re.compile(r"<([^<>\s]+)>")
FOLD = re.compile(r"\r?\n[ \t]*")
# RFC 5322 lines are at most 998 characters; longer ids are junk, not identities.
MAX_ID_LENGTH = 998


class Mailbox(NamedTuple):
    name: str
    address: str


def raw_header(msg: Message, name: str) -> str | None:
    """The first value of a header as it arrived (unfolded), 8-bit bytes decoded."""
    wanted = name.lower()
    try:
        for key, value in msg.raw_items():
            if key.lower() == wanted:
                return unfold(repair_surrogates(str(value)))
    except Exception:  # a header the parser kept as an object it cannot render
        return None
    return None


def all_headers(msg: Message) -> tuple[tuple[str, str], ...]:
    """Every header as (lower-case name, decoded value), in order."""
    result = []
    try:
        items = list(msg.raw_items())
    except Exception:
        return ()
    for key, value in items:
        result.append((str(key).lower(), decode_words(unfold(repair_surrogates(str(value))))))
    return tuple(result)


def header_text(msg: Message, name: str) -> str | None:
    """A header's display text (RFC 2047 decoded), or None when the header is absent."""
    raw = raw_header(msg, name)
    if raw is None:
        return None
    # Only the modern policy decodes on access; compat32 (our fallback) returns the raw value.
    if raw.isascii() and isinstance(msg.policy, EmailPolicy):
        try:
            modern = str(msg[name])
        except Exception:
            modern = None
        if modern is not None and _clean(modern):
            return unfold(modern)
    return decode_words(raw)


def decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words anywhere in `value`, tolerating unknown charsets.

    Adjacent words in one charset are decoded together, because clients split a multi-byte
    character across two words.
    """
    if "=?" not in value:
        return value
    pieces: list[str] = []
    pending: bytearray = bytearray()
    pending_charset: str | None = None
    position = 0
    for match in ENCODED_WORD.finditer(value):
        between = value[position:match.start()]
        charset = match.group(1).split("*", 1)[0]
        if between.strip() or (pending and charset.lower() != (pending_charset or "").lower()):
            if pending:
                pieces.append(decode_text(bytes(pending), pending_charset, guess=False))
                pending = bytearray()
            if between.strip():
                pieces.append(between)
        elif not pending and between:
            pieces.append(between)
        pending += _word_bytes(match.group(2), match.group(3))
        pending_charset = charset
        position = match.end()
    if pending:
        pieces.append(decode_text(bytes(pending), pending_charset, guess=False))
    pieces.append(value[position:])
    return "".join(pieces)


def _word_bytes(encoding: str, payload: str) -> bytes:
    data = payload.encode("ascii", errors="ignore")
    try:
        if encoding in "bB":
            data = data.rstrip(b"=")
            return binascii.a2b_base64(data + b"=" * (-len(data) % 4))
        return binascii.a2b_qp(data, header=True)
    except (binascii.Error, ValueError):
        return data


def addresses(msg: Message, name: str) -> tuple[Mailbox, ...]:
    """All mailboxes in every `name` header (To may appear twice), deduplicated.

    Domains are lower-cased; local parts are kept as sent (compare them case-insensitively).
    """
    found: list[Mailbox] = []
    try:
        headers = msg.get_all(name) or []
        for header in headers:
            for item in header.addresses:
                found.append(Mailbox(repair_surrogates(item.display_name), item.addr_spec))
        if any(not _clean(box.name) for box in found):
            raise ValueError("undecodable display name")
    except Exception:
        found = _addresses_fallback(msg, name)
    return _normalized(found)


def _addresses_fallback(msg: Message, name: str) -> list[Mailbox]:
    wanted = name.lower()
    try:
        values = [
            unfold(repair_surrogates(str(value)))
            for key, value in msg.raw_items()
            if key.lower() == wanted
        ]
    except Exception:
        return []
    try:
        pairs = getaddresses(values)
    except Exception:
        return []
    return [Mailbox(decode_words(display), address) for display, address in pairs]


def _normalized(boxes: list[Mailbox]) -> tuple[Mailbox, ...]:
    seen: set[str] = set()
    result = []
    for box in boxes:
        address = _lower_domain(box.address.strip().strip("<>"))
        if not _plausible(address) or address.lower() in seen:
            continue
        seen.add(address.lower())
        result.append(Mailbox(" ".join(box.name.split()), address))
    return tuple(result)


def _lower_domain(address: str) -> str:
    # The local part keeps its case: our signed reply tokens (soporte+<token>@) depend on it.
    local, at, domain = address.rpartition("@")
    return f"{local}{at}{domain.lower()}" if at else address


def _plausible(address: str) -> bool:
    # Spaces are legal only inside a quoted local part ("Soporte Técnico"@example.mx).
    if not address or any(ch in address for ch in "\r\n\t<>"):
        return False
    return " " not in address or address.startswith('"')


def message_ids(value: str | None) -> tuple[str, ...]:
    """Message-IDs in a Message-ID, In-Reply-To or References value, without <>, in order."""
    if not value:
        return ()
    found = ANGLE_ID.findall(value) or value.split()
    result: list[str] = []
    for item in found:
        item = item.strip("<>")
        if item and len(item) <= MAX_ID_LENGTH and item not in result:
            result.append(item)
    return tuple(result)


def parse_date(value: str | None) -> datetime | None:
    """An aware datetime (UTC when the zone is unknown) or None for a missing or bad date."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def unfold(value: str) -> str:
    if "\n" not in value:  # most headers are not folded
        return value.strip()
    return FOLD.sub(" ", value).strip()


def collapse(value: str) -> str:
    return " ".join(value.split())


def _clean(text: str) -> bool:
    return text.isascii() or ("\ufffd" not in text and SURROGATE.search(text) is None)
