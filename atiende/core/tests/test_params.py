"""The one parser for values from outside (pure: no database)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.utils import translation

from atiende.core.db import MAX_ID
from atiende.core.params import (
    MAX_JSON_DEPTH,
    BadValue,
    check_span,
    check_text,
    encode_cursor,
    is_id_text,
    parse_count,
    parse_cursor,
    parse_id,
    parse_instant,
    parse_json,
)


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted as written (English); the default language is es-MX."""
    with translation.override("en"):
        yield

NOT_IDS = ["", "0", "-1", "+1", " 1", "1 ", "1.0", "1e3", "²", "١", "１", "߁", "0x10", str(MAX_ID + 1), "9" * 19, "9" * 5000, "1_000"]


@pytest.mark.parametrize("text", NOT_IDS)
def test_only_plain_ascii_digits_within_64_bits_are_ids(text):
    with pytest.raises(BadValue):
        parse_id(text)
    assert is_id_text(text) is False


@pytest.mark.parametrize(("text", "value"), [("1", 1), ("007", 7), (str(MAX_ID), MAX_ID)])
def test_ids(text, value):
    assert parse_id(text) == value


def test_counts_are_bounded_by_the_caller():
    assert parse_count("0", maximum=10) == 0
    assert parse_count("10", minimum=1, maximum=10) == 10
    for text in ("11", "²", "-1", ""):
        with pytest.raises(BadValue, match="from 0 to 10"):
            parse_count(text, maximum=10)


@pytest.mark.parametrize("text", [
    "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z",
    "2026-01-01T00:00:00", "2026-01-01", "2026-13-01T00:00:00Z", "hoy", "", "2026-01-01T00:00:00Z" + " " * 100,
])
def test_instants_without_a_zone_or_a_utc_value_are_refused(text):
    with pytest.raises(BadValue):
        parse_instant(text)


def test_instants_keep_their_zone():
    value = parse_instant("2026-03-02T10:00:00-06:00")
    assert value == datetime(2026, 3, 2, 16, tzinfo=UTC)
    assert value.utcoffset() == timedelta(hours=-6)
    assert parse_instant("9998-12-31T23:59:59Z") == datetime(9998, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert parse_instant("0002-01-01T10:00:00+10:00") == datetime(2, 1, 1, tzinfo=UTC)


def test_spans_are_ordered_and_bounded():
    start = datetime(2026, 1, 1, tzinfo=UTC)
    check_span(start, start + timedelta(days=30), max_days=30)
    with pytest.raises(BadValue, match="at most 30 days"):
        check_span(start, start + timedelta(days=30, seconds=1), max_days=30)
    with pytest.raises(BadValue, match="later than the end"):
        check_span(start, start - timedelta(seconds=1), max_days=30)


def test_cursors_round_trip():
    instant = datetime(2026, 1, 1, 12, tzinfo=timezone(timedelta(hours=-6)))
    assert parse_cursor(encode_cursor(2, instant, 99), ("int", "instant", "id")) == (2, instant, 99)
    assert parse_cursor(encode_cursor(-5, 1), ("int", "id")) == (-5, 1)


def _raw_cursor(value) -> str:
    import base64

    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


@pytest.mark.parametrize("cursor", [
    "", "!!!", "é", "a" * 300, _raw_cursor({"a": 1}), _raw_cursor([1]), _raw_cursor([1, 2, 3]),
    _raw_cursor(["2026-01-01T00:00:00Z", 0]), _raw_cursor(["2026-01-01T00:00:00Z", MAX_ID + 1]),
    _raw_cursor(["2026-01-01T00:00:00Z", True]), _raw_cursor(["2026-01-01T00:00:00Z", 1.5]),
    _raw_cursor(["9999-12-31T23:59:59-14:00", 1]), _raw_cursor(["2026-01-01T00:00:00", 1]), _raw_cursor([5, 1]),
    _raw_cursor("[" * 1000), "_w",  # "_w" decodes to 0xff: not UTF-8
])
def test_bad_cursors_are_refused(cursor):
    with pytest.raises(BadValue, match="cursor"):
        parse_cursor(cursor, ("instant", "id"))


@pytest.mark.parametrize("text", [
    "[" * 1000 + "]" * 1000, '{"a":' * 5000 + "1" + "}" * 5000, "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1),
    '"a\\u0000b"', '{"a\\u0000": 1}', '"\\ud800"', '["\\udfff"]', "NaN", "[Infinity]", "-Infinity", "{", b"\xff",
])
def test_json_that_is_too_deep_or_unstorable_is_refused(text):
    with pytest.raises(BadValue):
        parse_json(text)


def test_json_within_the_limits():
    nested = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert parse_json(nested) is not None
    assert parse_json('{"a": ["\\u00e9", "\\ud83d\\ude00", 1.5, null]}') == {"a": ["é", "😀", 1.5, None]}
    assert parse_json('{"a": {"b": 1}}', max_depth=2) == {"a": {"b": 1}}
    with pytest.raises(BadValue):
        parse_json('{"a": {"b": 1}}', max_depth=1)


def test_text_a_database_can_store():
    assert check_text("añö 😀") == "añö 😀"
    for text in ("\x00", "a\ud800", "\udc80b"):
        with pytest.raises(BadValue):
            check_text(text)
