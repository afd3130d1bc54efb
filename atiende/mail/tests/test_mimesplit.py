"""The fast MIME splitter builds exactly the standard parser's tree, or declines.

For every real message of the corpus, our samples, their LF and CRLF versions, and generated
hostile and plain messages: `split_message` gives None or a tree equal to `BytesParser`'s in
every detail (headers as received, payload text, preamble, epilogue, defects, default types),
under both policies we parse with; and `parse_message` gives the same `ParsedMessage` (text,
HTML, attachments' names, types and bytes, inline cids, defects) or the same quarantine code
with the splitter as without it.
"""

from __future__ import annotations

import base64
from email import policy
from email.message import Message
from email.parser import BytesParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atiende.mail.mimesplit import split_message
from atiende.mail.parsing import MODERN_POLICY, ParsedMessage, Quarantine, parse_message

from .corpus import SAMPLES, all_messages, sample
from .test_parsing_properties import DAMAGE, hostile_message

POLICIES = (MODERN_POLICY, policy.compat32)
EQUIVALENCE_SETTINGS = settings(
    max_examples=300, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SAMPLE_NAMES = sorted(path.name for path in SAMPLES.glob("*.eml"))


def shape(msg: Message) -> tuple:
    """Everything the parser decided about a message, recursively."""
    payload = msg._payload  # what the parser stored, before any decoding get_payload() does
    return (
        type(msg), msg.policy, msg.get_unixfrom(), list(msg.raw_items()), msg.get_default_type(),
        msg.preamble, msg.epilogue, [(type(defect), str(defect)) for defect in msg.defects],
        [shape(part) for part in payload] if isinstance(payload, list) else payload,
    )


def line_ending_versions(raw: bytes) -> set[bytes]:
    lf = raw.replace(b"\r\n", b"\n")
    return {raw, lf, lf.replace(b"\n", b"\r\n")}


def check_tree(raw: bytes) -> bool:
    """The splitter's tree equals the parser's, or it declined; True when it did not decline."""
    source = raw.lstrip(b"\r\n")  # as parse_message gives it
    split = False
    for parser_policy in POLICIES:
        tree = split_message(source, parser_policy)
        if tree is None:
            continue
        split = True
        assert shape(tree) == shape(BytesParser(policy=parser_policy).parsebytes(source))
    return split


def outcome(raw: bytes, *, split: bool) -> ParsedMessage | str:
    try:
        return parse_message(raw, max_attachment_bytes=50_000, split=split)
    except Quarantine as problem:
        return f"quarantine: {problem.code}"


def check_parsed(raw: bytes) -> None:
    assert outcome(raw, split=True) == outcome(raw, split=False)


@pytest.fixture(scope="module")
def real_messages() -> list[tuple[str, bytes]]:
    found = [(message.label, message.raw) for message in all_messages()]
    found += [(f"samples/{name}", sample(name)) for name in SAMPLE_NAMES]
    return [(label, version) for label, raw in found for version in line_ending_versions(raw)]


def test_real_messages_split_into_the_parsers_tree_or_decline(real_messages):
    split = [label for label, raw in real_messages if check_tree(raw)]
    # Not vacuous: most of them take the fast way (bounces with message/* parts do not).
    assert len(split) > len(real_messages) / 2


def test_real_messages_parse_the_same_with_and_without_the_splitter(real_messages):
    for label, raw in real_messages:
        assert outcome(raw, split=True) == outcome(raw, split=False), label


def _bench_like(line_break: bytes) -> bytes:
    picture = base64.encodebytes(bytes(range(256)) * 300).replace(b"\n", line_break)
    lines = [
        b"From: =?utf-8?q?Iv=C3=A1n?= <ivan@example.mx>", b"To: soporte@nopal.mx", b"Subject: Captura",
        b"Message-ID: <1@example.mx>", b"MIME-Version: 1.0",
        b'Content-Type: multipart/mixed; boundary="=-outer"', b"", b"--=-outer",
        b'Content-Type: multipart/alternative; boundary="=-inner"', b"", b"--=-inner",
        b'Content-Type: text/plain; charset="utf-8"', b"Content-Transfer-Encoding: quoted-printable", b"",
        b"Buenos d=C3=ADas, va la captura.", b"--=-inner", b'Content-Type: text/html; charset="utf-8"', b"",
        b'<p>Buenos d\xc3\xadas, <img src="cid:c1"></p>', b"--=-inner--", b"", b"--=-outer",
        b"Content-Type: image/png", b"Content-ID: <c1>", b"Content-Transfer-Encoding: base64",
        b'Content-Disposition: inline; filename="captura.png"', b"", picture, b"--=-outer--", b"",
    ]
    return line_break.join(lines)


@pytest.mark.parametrize("line_break", [b"\n", b"\r\n"])
def test_everyday_mail_takes_the_fast_way(line_break):
    raw = _bench_like(line_break)
    assert check_tree(raw)
    parsed = parse_message(raw)
    assert parsed == parse_message(raw, split=False)
    assert parsed.attachments[0].content == bytes(range(256)) * 300
    assert parsed.attachments[0].content_id == "c1"


def _mostly(draw: st.DrawFn, usual: list[bytes], odd: list[bytes]) -> bytes:
    """One of `usual`, or one in ten times one of `odd`."""
    return draw(st.sampled_from(odd if odd and draw(st.integers(0, 9)) == 9 else usual))


TOP = b'From: a@b.mx\nContent-Type: multipart/mixed; boundary="b"\n\n'
TEXT = b"Content-Type: text/plain\n\n"
# One special thing each: where the feed parser notes a defect or decides something itself.
EDGE_CASES = {
    "plain": TOP + b"--b\n" + TEXT + b"hola\n--b--\n",
    "no name": TOP + b"--b\n: no name\n" + TEXT + b"hola\n--b--\n",
    "continuation first": TOP + b"--b\n\tcontinued\n" + TEXT + b"hola\n--b--\n",
    "unix from": b"From nobody Mon Nov 10 02:06:48 2025\n" + TOP + b"--b\n" + TEXT + b"x\n--b--\n",
    "from last": TOP + b"--b\nContent-Type: text/plain\nFrom nobody\n\nhola\n--b--\n",
    "from between": TOP + b"--b\nX-A: 1\nFrom nobody\nX-B: 2\n\nhola\n--b--\n",
    "not a header": TOP + b"--b\nContent-Type: text/plain\nhola\n\nhola\n--b--\n",
    "8-bit name": TOP + b"--b\nX-\xe1: 1\n\nhola\n--b--\n",
    "8-bit everywhere": TOP + b"--b\nX-A: \xe1\n\n\xc3\xa1\n--b--\n\xe1\n",
    "bare CR in header": TOP + b"--b\nX-A: 1\rX-B: 2\n\nhola\n--b--\n",
    "bare CR blank line": TOP + b"--b\nX-A: 1\r\rhola\n\nx\n--b--\n",
    "bare CR before boundary": TOP + b"--b\n" + TEXT + b"hola\r--b\n" + TEXT + b"x\n--b--\n",
    "bare CR in boundary line": TOP + b"--b\rjunk\n" + TEXT + b"hola\n--b--\n",
    "CR at the very end": TOP + b"--b\n" + TEXT + b"hola\n--b--\r",
    "blanks after boundaries": TOP + b"--b \t\n" + TEXT + b"hola\n--b-- \n",
    "junk after boundary": TOP + b"--bx\n--b\n" + TEXT + b"hola\n--b--x\n--b--\n",
    "boundary twice": TOP + b"--b\n--b\n" + TEXT + b"hola\n--b--\n",
    "boundary then close": TOP + b"--b\n--b--\n",
    "no closing": TOP + b"--b\n" + TEXT + b"hola\n",
    "no first": TOP + b"hola\n--b--\n",
    "closing first": TOP + b"--b--\n--b\n" + TEXT + b"hola\n",
    "no boundary": b"Content-Type: multipart/mixed\n\n--b\n" + TEXT + b"x\n--b--\n",
    "empty boundary": b'Content-Type: multipart/mixed; boundary=""\n\n--\n' + TEXT + b"x\n----\n",
    "base64 multipart": TOP.replace(b"\n\n", b"\nContent-Transfer-Encoding: base64\n\n") + b"--b\n" + TEXT + b"x\n--b--\n",
    "enclosed message": TOP + b"--b\nContent-Type: message/rfc822\n\nSubject: x\n\nhola\n--b--\n",
    "delivery status": TOP + b"--b\nContent-Type: message/delivery-status\n\nA: 1\n\nB: 2\n--b--\n",
    "digest": TOP.replace(b"mixed", b"digest") + b"--b\n\nSubject: x\n\nhola\n--b--\n",
    "preamble and epilogue": TOP + b"pre\n\n--b\n" + TEXT + b"hola\n--b--\n\nepi\n",
    "part without headers": TOP + b"--b\n\nhola\n--b--\n",
    "part without blank line": TOP + b"--b\nContent-Type: text/plain\n--b--\n",
    "empty body": TOP + b"--b\n" + TEXT + b"--b--",
    "no body at all": b"From: a@b.mx\nSubject: x\n",
    "headers only": b"From: a@b.mx\nSubject: x\n\n",
    "nested": TOP + b'--b\nContent-Type: multipart/alternative; boundary="c"\n\n--c\n' + TEXT
    + b"x\n--c--\n--b\n" + TEXT + b"y\n--b--\n",
    "nested epilogues": TOP + b'--b\nContent-Type: multipart/alternative; boundary="c"\n\n--c\n' + TEXT
    + b"x\n--c--\n\n\n--b\nContent-Type: multipart/related; boundary=d\n\n--d\n\n--d--\nepi\n--b--\n",
    "nested without closing": TOP + b'--b\nContent-Type: multipart/alternative; boundary="c"\n\n--c\n' + TEXT
    + b"x\n--b--\n",
    "same boundary nested": TOP + b'--b\nContent-Type: multipart/alternative; boundary="b"\n\n--b\n' + TEXT
    + b"x\n--b--\n--b--\n",
    "outer boundary inside": TOP + b'--b\nContent-Type: multipart/alternative; boundary="c"\n\n--c\n' + TEXT
    + b"x\n--b\n" + TEXT + b"y\n--c--\n--b--\n",
    "boundary prefix": TOP.replace(b'"b"', b'"b-1"') + b'--b-1\nContent-Type: multipart/alternative; boundary="b"\n\n--b\n'
    + TEXT + b"x\n--b--\n--b-1--\n",
}


@pytest.mark.parametrize("name", EDGE_CASES)
def test_special_cases_split_the_same(name):
    for raw in line_ending_versions(EDGE_CASES[name]):
        check_tree(raw)
        check_parsed(raw)


def test_plain_cases_take_the_fast_way():
    for name in ("plain", "blanks after boundaries", "junk after boundary", "preamble and epilogue", "nested",
                 "nested epilogues", "boundary prefix", "part without headers", "8-bit everywhere", "empty body",
                 "headers only", "CR at the very end"):
        assert all(check_tree(raw) for raw in line_ending_versions(EDGE_CASES[name])), name


@st.composite
def plain_mime(draw: st.DrawFn, depth: int = 0) -> bytes:
    """Mostly well-formed MIME with the variations that matter at boundaries: line breaks,
    blanks after boundaries, preambles and epilogues, empty parts, look-alike lines."""
    eol = draw(st.sampled_from([b"\n", b"\r\n"]))
    level = str(depth).encode()  # nested parts share the parent's boundary only sometimes
    boundary = _mostly(draw, [b"b" + level, b"=_b" + level, b"b 2" + level, b"-b" + level], [b"b", b"bb"])
    parts = []
    for _ in range(int(_mostly(draw, [b"1", b"2", b"3"], [b"0"]))):
        if depth < 2 and draw(st.booleans()):
            parts.append(draw(plain_mime(depth + 1)))
            continue
        head = _mostly(draw, [
            b"Content-Type: text/plain; charset=utf-8", b"Content-Type: text/html",
            b"Content-Type: application/pdf\nContent-Transfer-Encoding: base64",
            b'Content-Type: image/png; name="a.png"\nContent-ID: <c1>', b"", b"X-Odd: 1\n\tfolded",
        ], [b"From nobody", b"no header here", b"Content-Type: message/rfc822", b"\tcontinued",
            b"Content-Type: text/plain\nFrom nobody", b"X-A: 1\rX-B: 2", b": no name"])
        body = _mostly(draw, [
            b"", b"hola", b"hola" + eol, b"--" + boundary + b"x", b"\xc3\xa1 \xe1", b" --" + boundary,
            base64.encodebytes(b"\x89PNG" * 40).replace(b"\n", eol), eol + b"--" + boundary + b"-",
        ], [b"--" + boundary, b"a\rb", b"--" + boundary + b"--", b"a\r--" + boundary + b"--", b"\r"])
        parts.append(head.replace(b"\n", eol) + eol + eol + body)
    tails = [b"", b" ", b"\t "]
    text = draw(st.sampled_from([b"", b"preamble" + eol, eol]))
    for part in parts:
        text += b"--" + boundary + _mostly(draw, tails, [b"x", b"\r", b" \rx"]) + eol + part + eol
    if draw(st.integers(0, 9)) != 9:
        text += b"--" + boundary + b"--" + draw(st.sampled_from(tails)) + draw(st.sampled_from([eol, b""]))
    text += draw(st.sampled_from([b"", b"epilogue" + eol, eol, eol + eol]))
    subtype = _mostly(draw, [b"mixed", b"alternative", b"related"], [b"digest"])
    head = b"Content-Type: multipart/" + subtype + b'; boundary="' + boundary + b'"'
    if depth == 0:
        head = b"From: a@b.mx" + eol + b"Subject: prueba" + eol + head
    return head + eol + eol + text


@EQUIVALENCE_SETTINGS
@given(plain_mime())
def test_generated_mime_splits_the_same(raw):
    check_tree(raw)
    check_parsed(raw)


@EQUIVALENCE_SETTINGS
@given(hostile_message())
def test_hostile_messages_split_the_same(raw):
    for version in line_ending_versions(raw):
        check_tree(version)
        check_parsed(version)


@EQUIVALENCE_SETTINGS
@given(st.sampled_from(SAMPLE_NAMES), DAMAGE, st.booleans())
def test_damaged_real_messages_split_the_same(name, damage, lf):
    raw = bytearray(sample(name).replace(b"\r\n", b"\n") if lf else sample(name))
    for position, length, replacement in damage:
        position %= len(raw) + 1
        raw[position:position + length] = replacement
    check_tree(bytes(raw))
    check_parsed(bytes(raw))


@EQUIVALENCE_SETTINGS
@given(st.binary(max_size=2000))
def test_random_bytes_split_the_same(raw):
    check_tree(raw)
    check_parsed(raw)
