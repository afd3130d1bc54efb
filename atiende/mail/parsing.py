"""Turning the raw bytes of an inbound email into a `ParsedMessage` (pure: no database).

`parse_message` never raises anything but `Quarantine`: when the bytes cannot be read as an
email it raises `Quarantine` with a stable `code` and a translated `reason`, and the caller keeps
the raw bytes in the quarantine list with that reason. Callers write:

    try:
        parsed = parse_message(raw, max_attachment_bytes=limit)
    except Quarantine as problem:
        ...  # store raw with problem.code, problem.reason (and problem.detail for admins)

Parsing uses the standard library's modern policy first and the compat32 policy when the modern
one fails on a message; bodies are decoded with our own charset handling (see `charsets`).
Plain MIME messages reach the same `Message` tree faster through `mimesplit`.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import Message
from email.parser import BytesParser

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from atiende.core.html import sanitize_html

from .headers import (
    Mailbox,
    addresses,
    all_headers,
    collapse,
    header_text,
    message_ids,
    parse_date,
    raw_header,
)
from .htmltext import html_to_text
from .mimesplit import split_message
from .parts import ParsedAttachment, TooComplex, collect_parts, content_type_of

__all__ = ["Mailbox", "ParsedAttachment", "ParsedMessage", "Quarantine", "parse_message"]

REASONS: dict[str, Promise] = {
    "empty": _("The message is empty."),
    "not_email": _("This is not an email message: it has no headers."),
    "too_complex": _("The message has more nested parts than any real email."),
    "unreadable": _("The structure of the message could not be read."),
    # Raised by the ingestion service, not here: a message that is not automatic mail and has
    # no sender cannot become a ticket. Kept here so every quarantine reason lives in one place.
    "no_sender": _("The message has no sender address."),
}


class _RememberingHeaders(HeaderRegistry):
    """The modern policy's header parsing, remembering results.

    The parser and our code read each part's Content-Type several times, and every read parses
    the value again; values repeat across messages too. Header objects are immutable, so
    sharing them is safe. This makes parsing about three times faster.

    Only headers whose values come back in other messages are remembered across messages (a
    sender's From, the usual Content-Types); the rest (a Message-ID, a Date, a Subject, a
    multipart Content-Type with its boundary) only for the message being read. And only a few
    hundred across messages in a long-lived process: a web worker taking mail one message at a
    time gains little from more, and with a 4,096-entry cache of every header it grew by the
    parse trees of every Message-ID it saw, about a megabyte a minute at one email a second
    (docs/performance.md, mixed load). An import widens the cache while it runs
    (`remembering_headers`): 10,000 messages from 3,000 senders then parse each From about once.

    The standard registry also builds a new class for every header object it makes; here each
    header name gets its class once (the same bases, so the same behaviour), which saves the
    time and the garbage of thousands of classes per import.
    """

    MAX_REMEMBERED_LENGTH = 998  # longer values are rare and would fill memory
    MAX_CLASSES = 512
    REMEMBERED = 256  # across messages, outside an import
    REPEATING = frozenset({"from", "to", "cc", "reply-to", "sender", "content-type", "content-transfer-encoding",
                           "mime-version"})

    def __init__(self) -> None:
        super().__init__()
        self._remember(self.REMEMBERED)
        self._this_message = functools.lru_cache(maxsize=64)(super().__call__)
        self._classes: dict[str, type] = {}

    def _remember(self, size: int) -> None:
        self._remembered = functools.lru_cache(maxsize=size)(super().__call__)  # a few KB each

    def __getitem__(self, name: str) -> type:
        key = name.lower()  # the standard registry's lookup key
        cls = self._classes.get(key)
        if cls is None:
            cls = super().__getitem__(name)
            if len(self._classes) < self.MAX_CLASSES:  # header names are the sender's choice
                self._classes[key] = cls
        return cls

    def forget(self) -> None:
        self._remembered.cache_clear()
        self._this_message.cache_clear()

    def __call__(self, name: str, value: str) -> BaseHeader:
        if len(value) > self.MAX_REMEMBERED_LENGTH:
            return super().__call__(name, value)
        key = name.lower()
        if key not in self.REPEATING or (key == "content-type" and "boundary" in value.lower()):
            return self._this_message(name, value)
        return self._remembered(name, value)


HEADERS = _RememberingHeaders()
MODERN_POLICY = policy.default.clone(header_factory=HEADERS)
# The modern policy first; compat32 when it crashes on a message (its header parsers raise on
# some malformed values that the old, string-based policy simply keeps).
PARSER_POLICIES = (MODERN_POLICY, policy.compat32)
UNSAFE_CHARACTERS = re.compile("[\x00\ud800-\udfff]")


@contextmanager
def remembering_headers(size: int = 4096) -> Iterator[None]:
    """While importing many messages: remember up to `size` headers across messages (some
    20 MB at most), then drop them all and go back to the long-lived process's few."""
    HEADERS._remember(size)
    try:
        yield
    finally:
        HEADERS._remember(HEADERS.REMEMBERED)
        HEADERS.forget()


class Quarantine(Exception):
    """The message cannot be ingested; keep its raw bytes for an admin, with `reason`."""

    def __init__(self, code: str, detail: str = "") -> None:
        if code not in REASONS:
            raise ValueError(f"unknown quarantine code {code!r}")
        super().__init__(code)
        self.code = code
        self.detail = detail  # technical, for admins and logs; not translated

    @property
    def reason(self) -> str:
        return str(REASONS[self.code])


@dataclass(frozen=True)
class ParsedMessage:
    message_id: str | None  # without <>
    in_reply_to: str | None
    references: tuple[str, ...]
    subject: str  # decoded, whitespace collapsed
    from_address: str  # domain lower-cased; Sender when From has none; "" when neither has one
    from_name: str
    reply_to: tuple[Mailbox, ...]
    to: tuple[Mailbox, ...]
    cc: tuple[Mailbox, ...]
    date: datetime | None  # aware
    headers: tuple[tuple[str, str], ...]  # every header: (lower-case name, decoded value)
    content_type: str  # of the whole message, e.g. "multipart/report"
    report_type: str  # multipart/report's report-type ("delivery-status"), else ""
    text: str  # the plain-text body; converted from the HTML when only HTML came
    html: str  # sanitized; "" when the message had no HTML; keeps cid: image sources
    attachments: tuple[ParsedAttachment, ...]
    oversized_attachments: tuple[str, ...]  # safe names of parts dropped for their size
    delivery_status: str  # message/delivery-status text (RFC 3464 blocks), "" if none
    enclosed_message_id: str | None  # of a message/rfc822 or text/rfc822-headers part
    content_hash: str  # sha256 of the raw bytes: the identity when Message-ID is missing
    defects: tuple[str, ...]  # names of the parser's defects, for diagnosis

    def header(self, name: str) -> str | None:
        """The first value of header `name` (any case), or None."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key == wanted), None)

    def header_values(self, name: str) -> tuple[str, ...]:
        wanted = name.lower()
        return tuple(value for key, value in self.headers if key == wanted)

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """Message-IDs this message answers, most direct first (for threading)."""
        ordered = [self.in_reply_to, *reversed(self.references)]
        return tuple(dict.fromkeys(item for item in ordered if item))


def parse_message(
    raw: bytes, *, max_attachment_bytes: int | None = None, split: bool = True
) -> ParsedMessage:
    """Parse an RFC 5322 message; raises only `Quarantine`.

    Attachment parts larger than `max_attachment_bytes` (decoded) are left out and their names
    listed in `oversized_attachments`, so the caller can tell the sender.

    Plain MIME messages are split by `mimesplit` into the tree the standard parser would build,
    faster; anything else, or anything that goes wrong with that tree, is parsed by the standard
    parser. `split=False` always uses the standard parser (tests compare the two).
    """
    raw = bytes(raw)
    if not raw.strip():
        raise Quarantine("empty")
    digest = hashlib.sha256(raw).hexdigest()
    # Some pipes prepend blank lines, which would make every header part of the body.
    source = raw.lstrip(b"\r\n")
    if split:
        try:
            tree = split_message(source, MODERN_POLICY)
            if tree is not None:
                return _build(tree, digest, max_attachment_bytes)
        except Exception:  # anything unexpected: the standard parser below decides
            pass
    failure: Exception | None = None
    for parser_policy in PARSER_POLICIES:
        try:
            msg = BytesParser(policy=parser_policy).parsebytes(source)
            return _build(msg, digest, max_attachment_bytes)
        except Quarantine:
            raise
        except (TooComplex, RecursionError):
            raise Quarantine("too_complex") from None
        except Exception as exc:  # the modern policy's known crashes: try the old one
            failure = exc
    raise Quarantine("unreadable", detail=f"{type(failure).__name__}: {failure}")


def _build(msg: Message, digest: str, max_attachment_bytes: int | None) -> ParsedMessage:
    if not msg.keys():
        raise Quarantine("not_email")
    parts = collect_parts(msg, max_attachment_bytes=max_attachment_bytes)
    html_source = "\n".join(html for html in parts.htmls if html.strip())
    html = _scrub(sanitize_html(_scrub(html_source))) if html_source else ""
    text = "\n\n".join(_newlines(item).strip("\n").rstrip() for item in parts.texts if item.strip())
    if not text and html:
        text = html_to_text(html)
    sender = (addresses(msg, "from") or addresses(msg, "sender") or (Mailbox("", ""),))[0]
    in_reply_to = message_ids(raw_header(msg, "in-reply-to"))
    own_id = message_ids(raw_header(msg, "message-id"))
    return ParsedMessage(
        message_id=own_id[0] if own_id else None,
        in_reply_to=in_reply_to[0] if in_reply_to else None,
        references=message_ids(raw_header(msg, "references")),
        subject=_scrub(collapse(header_text(msg, "subject") or "")),
        from_address=_scrub(sender.address),
        from_name=_scrub(sender.name),
        reply_to=_scrub_boxes(addresses(msg, "reply-to")),
        to=_scrub_boxes(addresses(msg, "to")),
        cc=_scrub_boxes(addresses(msg, "cc")),
        date=parse_date(raw_header(msg, "date")),
        headers=tuple((name, _scrub(value)) for name, value in all_headers(msg)),
        content_type=content_type_of(msg),
        report_type=_report_type(msg),
        text=_scrub(text),
        html=html,
        attachments=tuple(parts.attachments),
        oversized_attachments=tuple(parts.oversized),
        delivery_status=_scrub(_newlines("\n\n".join(parts.delivery_status))),
        enclosed_message_id=parts.enclosed_message_id,
        content_hash=digest,
        defects=_defects(msg),
    )


def _report_type(msg: Message) -> str:
    try:
        value = msg.get_param("report-type")
    except Exception:
        return ""
    return value.strip().lower() if isinstance(value, str) else ""


def _defects(msg: Message) -> tuple[str, ...]:
    names: set[str] = set()
    for part in msg.walk():
        names.update(type(defect).__name__ for defect in getattr(part, "defects", ()))
    return tuple(sorted(names))


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _scrub(text: str) -> str:
    """Drop NUL and lone surrogates, which PostgreSQL text columns refuse."""
    if text.isascii() and "\x00" not in text:
        return text
    return UNSAFE_CHARACTERS.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", text)


def _scrub_boxes(boxes: tuple[Mailbox, ...]) -> tuple[Mailbox, ...]:
    return tuple(Mailbox(_scrub(box.name), _scrub(box.address)) for box in boxes)
