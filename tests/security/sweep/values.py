"""What the sweep sends: the known-bad classes, written out, and Hypothesis strategies around them.

Every corpus value is sent to every parameter and field by the deterministic pass; the generated
pass mixes them with Hypothesis' own text, numbers and JSON. Query-string values are percent-
encoded from their UTF-8 bytes with `surrogatepass`, so a lone surrogate arrives as the invalid
bytes an attacker would send (%ED%A0%80); in JSON a lone surrogate is the legal escape "\\ud800".
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import quote

from hypothesis import strategies as st

# --- strings: query parameters, form fields, and JSON string values --------------------------------
UNICODE_DIGITS = ["²", "٣", "١٢", "𝟗", "߃", "৯", "Ⅻ", "½", "①", "٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣"]
NUMBERS = ["0", "-1", "1", "-0", "+1", " 1", "1 ", "01", "1.5", "1e3", "1e309", "-1e309", "NaN", "inf", "-inf",
           "9" * 18, "9" * 19, "9" * 30, str(2**63), str(-(2**63) - 1), str(2**64), "1" * 5000,
           "0x10", "1_000", "١"]
DATES = ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59+14:00",
         "0001-01-01T00:00:00-14:00", "9999-12-31", "0001-01-01", "2026-02-30", "2026-13-01T00:00:00Z",
         "2026-11-05T25:00:00Z", "2026-11-05T10:00:00", "2026-11-05T10:00:00Z", "2026-11-05 10:00",
         "2026-11-05T10:00:00+99:00", "2026-W45", "²⁰²⁶-¹¹-⁰⁵", "٢٠٢٦-١١-٠٥T١٠:٠٠:٠٠Z", "now", "-1 day"]
NASTY_TEXT = ["", " ", "\x00", "a\x00b", "\ud800", "x\udfffy", "\ufffe", "\u202e", "\r\n", "%", "%00", "%zz", "\\",
              "'", '"', "' OR 1=1--", "<script>alert(1)</script>", "{{ 7*7 }}", "../../etc/passwd", "🙂",
              "e\u0301", "ß", "İ", "ﬃ", "a" * 300, "x" * 10_000, "é" * 5000, "null", "true", "false", "[]", "{}",
              "me", "mine", "none", "all", "*", ",", "a,b", "-updated_at", "__all__", "pk", "id"]
CORPUS_TEXT: list[str] = [*UNICODE_DIGITS, *NUMBERS, *DATES, *NASTY_TEXT]

# One or two of each known-bad class: what the deterministic pass sends to every parameter (the
# generated pass draws from the whole list above).
CORPUS_CLASSES: list[str | bytes] = [
    "", " ", "²", "٣", "𝟗", "-1", "0", "1.5", "1e309", "NaN", "9" * 30, str(2**64), "1" * 5000,
    "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "9999-12-31", "0001-01-01", "2026-02-30",
    "\x00", "a\x00b", "\ud800", b"\xff", "x" * 10_000, "[]", "%", "'",
]

# Bytes that are not UTF-8 at all (sent percent-encoded in query strings and as raw form bodies).
INVALID_UTF8 = [b"\xff", b"\xed\xa0\x80", b"\xc0\xaf", b"a\x80b"]

# --- JSON values: every wrong type, the extremes, and the shapes that break parsers -----------------
def nested_list(depth: int) -> object:
    value: object = []
    for _ in range(depth):
        value = [value]
    return value


def nested_object(depth: int) -> object:
    value: object = {}
    for _ in range(depth):
        value = {"a": value}
    return value


CORPUS_JSON_SHAPES: list[object] = [
    None, True, False, 0, -1, 1, 2**31, 2**63, -(2**63) - 1, 2**64, 10**30, 10**400, 1.5, -0.0, 1e308,
    float("inf"), float("-inf"), float("nan"), "", [], {}, [None], [[]], [""], ["\x00"], {"": None},
    {"id": 1}, [1, 2, 3] * 400, {str(i): i for i in range(300)}, nested_list(50), nested_object(50),
]
# What every top-level JSON field gets in the corpus pass: every shape, and one string of each class.
CORPUS_JSON: list[object] = [
    *CORPUS_JSON_SHAPES, "²", "٣", "9" * 30, "1" * 5000, "-1", "1e309", "NaN", *DATES[:4], "2026-02-30",
    "\x00", "a\x00b", "\ud800", "x" * 10_000, " ", "me", "<script>alert(1)</script>",
]
# What each value inside a structured field (custom fields, SLA targets, calendar hours) gets.
CORPUS_LEAF: list[object] = [
    None, [], {}, -1, 0, 2**64, 10**400, 1e308, float("nan"), "", "\x00", "a\x00b", "\ud800", "²", "9" * 30,
    "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "x" * 10_000, nested_list(50),
]


def leaf_mutations(value: object) -> list[object]:
    """`value` again with one leaf (or one key) replaced by each CORPUS_LEAF value, every leaf in turn."""
    found: list[object] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            found.extend({**value, key: mutated} for mutated in [*leaf_mutations(inner), *CORPUS_LEAF])
        if value:
            first = next(iter(value))
            found.extend([{"\x00": value[first]}, {"\ud800": value[first]}, {"x" * 300: value[first]}])
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found.extend([*value[:index], mutated, *value[index + 1:]]
                         for mutated in [*leaf_mutations(inner), *CORPUS_LEAF])
    return found


# Whole bodies that are not a JSON object (sent as the raw request body with a JSON content type).
RAW_JSON_BODIES: list[bytes] = [
    b"", b" ", b"null", b"[]", b'"x"', b"1", b"{", b"{]", b'{"a":}', b"\x00", b"\xff\xfe", b'{"a":"\xff"}',
    b"NaN", b"Infinity", b'{"a": NaN}', b'{"a": 1e999}', b'{"a": -1e999}', b"1" * 5000,
    b'{"a":1,"a":2}', b"[" * 1000 + b"]" * 1000, b'{"a":' * 1000 + b"1" + b"}" * 1000,
    b"[" * 100_000 + b"]" * 100_000, b'"\\ud800"', b'{"\\ud800": "\\udfff"}',
]


def dumps(value: object) -> bytes:
    """JSON as a client would send it: ASCII-escaped (a lone surrogate becomes "\\ud800"), NaN and
    Infinity written as the bare tokens Python's parser accepts."""
    return json.dumps(value, ensure_ascii=True, allow_nan=True, default=_bytes_as_text).encode()


def _bytes_as_text(value: object) -> str:
    if isinstance(value, bytes):  # a file's content, where the schema says binary
        return value.decode("latin-1")
    raise TypeError(type(value).__name__)


def encode_query(pairs: list[tuple[str, str | bytes]]) -> str:
    """A query string from raw pairs: UTF-8 with surrogates passed through, every byte escaped."""

    def esc(value: str | bytes) -> str:
        raw = value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
        return quote(raw, safe="")

    return "&".join(f"{esc(key)}={esc(value)}" for key, value in pairs)


# --- Hypothesis strategies -------------------------------------------------------------------------
# Every code point, surrogates and unassigned ones included.
any_text = st.text(st.characters(exclude_categories=()), max_size=40)
digit_text = st.text(st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=25)
ascii_digits = st.from_regex(r"\A-?[0-9]{1,25}\Z")
corpus_text = st.sampled_from(CORPUS_TEXT)

EXTREME_OFFSETS = [timedelta(hours=h) for h in (-14, -12, -1, 0, 5, 14)]
any_datetime = st.builds(
    lambda moment, offset: moment.replace(tzinfo=timezone(offset)),
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)),
    st.sampled_from(EXTREME_OFFSETS),
)
datetime_text = st.one_of(
    any_datetime.map(lambda d: d.isoformat()),
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)).map(lambda d: d.isoformat()),
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(DATES),
)
recent_datetime_text = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)
).map(lambda d: d.isoformat())
int_text = st.one_of(st.integers().map(str), st.integers(min_value=-5, max_value=500).map(str), ascii_digits)

hostile_text = st.one_of(corpus_text, any_text, digit_text, int_text, datetime_text)
hostile_bytes = st.one_of(st.sampled_from(INVALID_UTF8), st.binary(max_size=20))

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True), any_text,
)
any_json = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(any_text, children, max_size=4)
    ),
    max_leaves=12,
)
hostile_json = st.one_of(st.sampled_from(CORPUS_JSON), any_json, hostile_text)
