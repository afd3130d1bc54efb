"""One parser for what arrives from outside as text: ids, counts, instants, cursors and JSON
(pure: no database, no request).

Every function returns a value the rest of the code can use without another check, or raises
BadValue with a translated message saying what is expected. Interfaces turn BadValue into their
own answer: the API a 400 naming the parameter (atiende.api.params), the pages a note or a 400.

Why one place: `str.isdigit()` is true for "²" and "٣", which `int()` refuses or reads as
another number; an ISO 8601 instant such as 9999-12-31T23:59:59-14:00 parses but cannot be
converted to UTC; JSON nested a thousand deep raises RecursionError; PostgreSQL stores neither
NUL nor lone surrogates. Each was a 500 somewhere.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from .db import MAX_ID

# Longer text is refused before any work: 19 digits hold every id; an instant is ~32 characters.
MAX_NUMBER_CHARS = 19
MAX_INSTANT_CHARS = 64
MAX_CURSOR_CHARS = 256
# Instants are kept a year inside what datetime can hold, so that code may add or subtract
# days or months (a report's default window, a page's next day) without an OverflowError.
MIN_INSTANT = datetime(2, 1, 1, tzinfo=UTC)
MAX_INSTANT = datetime(9998, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
# JSON bodies: deeper than this is not a shape any endpoint takes.
MAX_JSON_DEPTH = 32


class BadValue(ValueError):
    """A value from outside that cannot be used; str() is the translated reason."""


def parse_int(text: str, *, minimum: int, maximum: int, message: str | None = None) -> int:
    """Plain ASCII digits (no sign, no spaces, no "²") from `minimum` to `maximum`."""
    if not isinstance(text, str) or not (0 < len(text) <= MAX_NUMBER_CHARS and text.isascii() and text.isdigit()):
        raise BadValue(message or _("Use a whole number from %(min)s to %(max)s.") % {"min": minimum, "max": maximum})
    value = int(text)
    if not minimum <= value <= maximum:
        raise BadValue(message or _("Use a whole number from %(min)s to %(max)s.") % {"min": minimum, "max": maximum})
    return value


def parse_id(text: str) -> int:
    """A row id: 1 to MAX_ID, so that every database can look it up."""
    return parse_int(text, minimum=1, maximum=MAX_ID, message=_("Use a whole number."))


def parse_count(text: str, *, minimum: int = 0, maximum: int) -> int:
    """A count or size bounded by the caller (page sizes, minutes, days)."""
    return parse_int(text, minimum=minimum, maximum=maximum)


def is_id_text(text: str) -> bool:
    try:
        parse_id(text)
    except BadValue:
        return False
    return True


def parse_instant(text: str) -> datetime:
    """An ISO 8601 date and time with its zone (kept as given) within MIN_INSTANT..MAX_INSTANT.

    Converting to UTC first is what refuses 9999-12-31T23:59:59-14:00 and
    0001-01-01T00:00:00+14:00, which parse but have no UTC value."""
    if not isinstance(text, str) or len(text) > MAX_INSTANT_CHARS:
        raise BadValue(_("Use an ISO 8601 date and time with a time zone."))
    try:
        value = parse_datetime(text)
    except ValueError:  # well formed but impossible, e.g. month 13
        value = None
    if value is None or value.tzinfo is None or value.utcoffset() is None:
        raise BadValue(_("Use an ISO 8601 date and time with a time zone."))
    try:
        in_utc = value.astimezone(UTC)
    except OverflowError:
        in_utc = None
    if in_utc is None or not MIN_INSTANT <= in_utc <= MAX_INSTANT:
        raise BadValue(_("Use a date between the years %(first)s and %(last)s.") % {
            "first": MIN_INSTANT.year, "last": MAX_INSTANT.year})
    return value


def check_span(start: datetime, end: datetime, *, max_days: int) -> None:
    """`start` no later than `end`, and at most `max_days` apart."""
    if end < start:
        raise BadValue(_("The start must not be later than the end."))
    if end - start > timedelta(days=max_days):
        raise BadValue(_("The range may span at most %(days)s days.") % {"days": max_days})


# --- cursors -----------------------------------------------------------------------------------

def encode_cursor(*values: Any) -> str:
    """An opaque page position: a JSON list in URL-safe base64 without padding."""
    raw = json.dumps([v.isoformat() if isinstance(v, datetime) else v for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def parse_cursor(text: str, shape: tuple[str, ...]) -> tuple[Any, ...]:
    """The values of a cursor made by encode_cursor, checked against `shape`: a tuple of
    "id" (1..MAX_ID), "int" (|n| <= MAX_ID), "instant" (as parse_instant) per position."""
    if not isinstance(text, str) or len(text) > MAX_CURSOR_CHARS:
        raise BadValue(_("This cursor is not valid."))
    try:
        raw = base64.urlsafe_b64decode((text + "=" * (-len(text) % 4)).encode("ascii"))
        values = json.loads(raw)
    except (ValueError, binascii.Error, UnicodeError):  # JSON errors are ValueErrors
        raise BadValue(_("This cursor is not valid.")) from None
    if not isinstance(values, list) or len(values) != len(shape):
        raise BadValue(_("This cursor is not valid."))
    result: list[Any] = []
    for kind, value in zip(shape, values, strict=True):
        if kind == "instant":
            if not isinstance(value, str):
                raise BadValue(_("This cursor is not valid."))
            try:
                result.append(parse_instant(value))
            except BadValue:
                raise BadValue(_("This cursor is not valid.")) from None
            continue
        if not isinstance(value, int) or isinstance(value, bool):
            raise BadValue(_("This cursor is not valid."))
        if (kind == "id" and not 1 <= value <= MAX_ID) or (kind == "int" and abs(value) > MAX_ID):
            raise BadValue(_("This cursor is not valid."))
        result.append(value)
    return tuple(result)


# --- JSON ----------------------------------------------------------------------------------------

def _no_constant(name: str) -> Any:
    raise ValueError(name)  # NaN and Infinity are not JSON, and jsonb refuses them


def parse_json(text: str | bytes, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """A JSON document nested at most `max_depth` deep whose text PostgreSQL can store."""
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise BadValue(_("The JSON is nested too deeply.")) from None
    except ValueError as exc:  # JSONDecodeError and undecodable bytes
        raise BadValue(_("The request body is not valid JSON.")) from exc
    check_json(value, max_depth=max_depth)
    return value


def check_json(value: Any, *, max_depth: int = MAX_JSON_DEPTH) -> None:
    """Refuse nesting deeper than `max_depth` and text with NUL or lone surrogates (iterative:
    no recursion however deep the value)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            check_text(item)
        elif isinstance(item, dict | list):
            if depth > max_depth:
                raise BadValue(_("The JSON is nested too deeply."))
            if isinstance(item, dict):
                for key, child in item.items():
                    check_text(str(key))
                    stack.append((child, depth + 1))
            else:
                stack.extend((child, depth + 1) for child in item)


def check_text(text: str) -> str:
    """`text` when a database can store it: no NUL character, no lone surrogate."""
    if "\x00" in text:
        raise BadValue(_("Text must not contain NUL characters."))
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise BadValue(_("Text must be valid Unicode.")) from None
    return text
