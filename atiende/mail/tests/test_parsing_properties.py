"""Hostile messages (Hypothesis): parsing never raises anything but Quarantine, attachment names
are never paths, and no text can break a PostgreSQL text column."""

from __future__ import annotations

import base64
import urllib.parse
from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atiende.mail.automatic import classify
from atiende.mail.parsing import ParsedMessage, Quarantine, parse_message
from atiende.mail.reply import split_reply

from .corpus import SAMPLES, sample

PROPERTY_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# Codes a hostile message may legitimately end in; "unreadable" would mean our own code broke.
EXPECTED_QUARANTINE = {"empty", "not_email", "too_complex"}

CHARSETS = st.sampled_from([
    "utf-8", "uft-8", "UTF8", "unknown-8bit", "x-unknown", "iso-8859-1", "windows-1252", "koi8-r",
    "utf-7", "utf-16", "utf-32", "iso-2022-jp", "gb2312", "ansi_x3.110-1983", "base64", "zlib",
    "rot13", "idna", "punycode", "unicode_escape", "", '"', "utf-8''", "x" * 300,
]) | st.text(max_size=12)
TRAVERSAL_NAMES = st.sampled_from([
    "../../etc/passwd", "..\\..\\windows\\win.ini", "/etc/shadow", "C:\\boot.ini", ".htaccess",
    "...", "./.", "con", "aux.txt", "\x00", " ", "factura\u202etxt.exe", "\uff0e\uff0e\uff0fx",
    "a/", "名前.pdf", "x" * 500 + ".pdf",
]) | st.text(max_size=40)
ENCODINGS = st.sampled_from(
    ["base64", "quoted-printable", "8bit", "7bit", "binary", "x-uuencode", "bogus", ""]
)
BODY_BYTES = st.binary(max_size=300) | st.text(max_size=200).map(
    lambda text: text.encode("utf-8", "surrogatepass")
)
LEAF_TYPES = st.sampled_from([
    "text/plain", "text/html", "application/pdf", "image/png", "message/delivery-status",
    "message/rfc822", "text/rfc822-headers", "application/x-unknown", "multipart/mixed", "bogus",
])
MULTIPART_TYPES = st.sampled_from(
    ["mixed", "alternative", "related", "report; report-type=delivery-status"]
)
HEADER_NAMES = st.sampled_from([
    "From", "To", "Cc", "Reply-To", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
    "Auto-Submitted", "Return-Path", "X-Loop", "Precedence", "List-Id", "Sender",
])
# (where, how many bytes to remove, what to put there): damage as broken relays do it.
DAMAGE = st.lists(
    st.tuples(st.integers(0, 10_000), st.integers(0, 200), st.binary(max_size=40)),
    min_size=1,
    max_size=5,
)


def _filename_header(draw: st.DrawFn, name: str, *, charset_line_breaks: bool = True) -> str:
    style = draw(st.sampled_from(["quoted", "rfc2231", "rfc2047", "continuation", "bare"]))
    charset = draw(CHARSETS if charset_line_breaks else CHARSETS.filter(lambda c: "\r" not in c and "\n" not in c))
    encoded = urllib.parse.quote(name.encode("utf-8", "surrogatepass"))
    if style == "rfc2231":
        return f"filename*={charset}''{encoded}"
    if style == "rfc2047":
        payload = base64.b64encode(name.encode("utf-8", "surrogatepass")).decode()
        return f'filename="=?{charset}?B?{payload}?="'
    if style == "continuation":
        half = len(encoded) // 2
        return f"filename*0*={charset}''{encoded[:half]};\r\n filename*1*={encoded[half:]}"
    if style == "bare":
        return "filename=" + name.replace("\r", "").replace("\n", "")
    return 'filename="' + name.replace('"', '\\"').replace("\r", "").replace("\n", "") + '"'


@st.composite
def leaf_part(draw: st.DrawFn) -> bytes:
    headers = [f"Content-Type: {draw(LEAF_TYPES)}; charset={draw(CHARSETS)}"]
    if draw(st.booleans()):
        disposition = draw(st.sampled_from(["attachment", "inline", "bogus"]))
        filename = _filename_header(draw, draw(TRAVERSAL_NAMES))
        headers.append(f"Content-Disposition: {disposition}; {filename}")
    if draw(st.booleans()):
        headers.append(f"Content-ID: <{draw(st.text(max_size=20))}>")
    headers.append(f"Content-Transfer-Encoding: {draw(ENCODINGS)}")
    head = "\r\n".join(headers).encode("utf-8", "surrogatepass")
    return head + b"\r\n\r\n" + draw(BODY_BYTES)


@st.composite
def multipart(draw: st.DrawFn, depth: int = 0) -> bytes:
    declared = draw(st.sampled_from(["b1", "=_x", "", '"', "a" * 80]))
    used = declared if draw(st.booleans()) else draw(st.sampled_from(["b1", "other", ""]))
    subtype = draw(MULTIPART_TYPES)
    children = draw(st.lists(
        multipart(depth + 1) if depth < 2 and draw(st.booleans()) else leaf_part(), max_size=4
    ))
    body = b"".join(b"--" + used.encode() + b"\r\n" + child + b"\r\n" for child in children)
    if draw(st.booleans()):
        body += b"--" + used.encode() + b"--\r\n"  # the closing boundary is often missing
    return f'Content-Type: multipart/{subtype}; boundary="{declared}"'.encode() + b"\r\n\r\n" + body


@st.composite
def hostile_message(draw: st.DrawFn) -> bytes:
    headers = []
    for name in draw(st.lists(HEADER_NAMES, max_size=8)):
        value = draw(st.one_of(
            st.text(max_size=60),
            st.builds(lambda c, t: f"=?{c}?Q?{t}?=", CHARSETS, st.text(max_size=20)),
            st.builds(lambda c, t: f"=?{c}?B?{t}?=", CHARSETS, st.text(max_size=20)),
            st.just("x" * 20_000),  # a huge header
            st.just('"Pérez, Ana" <ana@x.mx>, <>, undisclosed-recipients:;, @@@'),
        ))
        headers.append(f"{name}: {value}".encode("utf-8", "surrogatepass"))
    if draw(st.booleans()):
        raw_subject = draw(st.binary(max_size=60)).replace(b"\n", b" ")
        headers.append(b"Subject: " + raw_subject)  # raw 8-bit bytes, no encoding
    body = draw(multipart()) if draw(st.booleans()) else b"\r\n" + draw(leaf_part())
    return b"\r\n".join(headers) + b"\r\n" + body


def _check(raw: bytes) -> ParsedMessage | None:
    try:
        parsed = parse_message(raw, max_attachment_bytes=200)
    except Quarantine as problem:
        assert problem.code in EXPECTED_QUARANTINE, (problem.code, problem.detail)
        assert problem.reason
        return None
    for attachment in parsed.attachments:
        name = attachment.filename
        assert name and "/" not in name and "\\" not in name and not name.startswith("."), name
        assert "\x00" not in name
        assert attachment.size <= 200
    for name in parsed.oversized_attachments:
        assert name and "/" not in name and "\\" not in name and not name.startswith(".")
    texts = [parsed.subject, parsed.text, parsed.html, parsed.from_address, parsed.from_name,
             parsed.delivery_status, *(value for _, value in parsed.headers),
             *(part for box in (*parsed.to, *parsed.cc, *parsed.reply_to) for part in box)]
    for text in texts:
        assert "\x00" not in text
        text.encode("utf-8")  # no lone surrogates
    if parsed.date is not None:
        assert isinstance(parsed.date, datetime) and parsed.date.tzinfo is not None
    classify(parsed)
    split_reply(parsed.text)
    return parsed


@PROPERTY_SETTINGS
@given(st.binary(max_size=3000))
def test_random_bytes_never_crash(raw):
    _check(raw)


@PROPERTY_SETTINGS
@given(hostile_message())
def test_hostile_mime_never_crashes_and_names_are_never_paths(raw):
    _check(raw)


@PROPERTY_SETTINGS
@given(TRAVERSAL_NAMES, CHARSETS.filter(lambda charset: "\r" not in charset and "\n" not in charset), st.data())
def test_attachment_names_never_escape_storage(name, charset, data):
    # A line break in a charset would end the header and, rightly, the attachment with it.
    header = _filename_header(data.draw, name, charset_line_breaks=False)
    raw = (
        "From: a@b.mx\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n"
        f"Content-Type: application/octet-stream; charset={charset}\r\n"
        f"Content-Disposition: attachment; {header}\r\n\r\ncontenido\r\n--x--\r\n"
    ).encode("utf-8", "surrogatepass")
    parsed = _check(raw)
    if parsed is not None:
        assert len(parsed.attachments) == 1


SAMPLE_NAMES = sorted(path.name for path in SAMPLES.glob("*.eml"))


@PROPERTY_SETTINGS
@given(st.sampled_from(SAMPLE_NAMES), DAMAGE)
def test_damaged_real_messages_never_crash(name, damage):
    # Real messages cut, overwritten and spliced at random, as broken relays deliver them.
    raw = bytearray(sample(name))
    for position, length, replacement in damage:
        position %= len(raw) + 1
        raw[position:position + length] = replacement
    _check(bytes(raw))
