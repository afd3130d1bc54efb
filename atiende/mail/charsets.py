"""Turning bytes from mail into text whatever charset they claim (pure: never raises).

Mexican mail is mostly UTF-8, ISO-8859-1 and Windows-1252, and its labels are often wrong:
`uft-8`, `unknown-8bit`, UTF-8 sent as `us-ascii`, Windows-1252 quotes sent as ISO-8859-1.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

# Labels clients write that Python does not know, or knows under a narrower name. Western
# single-byte labels map to Windows-1252, a superset browsers also use for them (WHATWG).
ALIASES = {
    "uft-8": "utf-8",
    "utf8": "utf-8",
    "utf-8x": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "x-unicode20utf8": "utf-8",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "ansi_x3.4-1968": "cp1252",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "iso_8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "windows-1252": "cp1252",
    "x-ansi": "cp1252",
    "iso-8859-8-i": "iso-8859-8",
    "ks_c_5601-1987": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "x-sjis": "cp932",
    "shift-jis": "cp932",
    "windows-874": "cp874",
}
# Labels that say "I don't know": guess instead.
UNKNOWN = {"unknown-8bit", "x-unknown", "unknown", "default", "x-user-defined", "8bit", "none"}
WESTERN = "cp1252"
# Python codecs no mail charset label should reach. Punycode decoding takes quadratic time:
# a 100 KB part labelled charset=punycode would hold a worker for seconds, 1 MB for minutes.
PYTHON_ONLY_CODECS = {
    "punycode", "idna", "unicode-escape", "raw-unicode-escape", "undefined", "charmap", "mbcs",
    "oem",
}
# What charset-normalizer answers for Latin-script text; for short Spanish text it often says
# cp1250 (turning "¿" into "ż"), so for this family we trust our Windows-1252 prior instead.
LATIN_GUESSES = {
    "ascii", "utf_8", "cp1250", "cp1252", "cp1254", "cp1257", "latin_1", "cp437", "cp850",
    "mac_roman", "mac_latin2", "mac_iceland", "mac_turkish",
    *(f"iso8859_{n}" for n in (2, 3, 4, 9, 10, 13, 14, 15, 16)),
}
SURROGATE = re.compile("[\ud800-\udfff]")
# Below this many bytes statistical guessing is unreliable.
MIN_GUESS_BYTES = 64


def codec_for(label: str | None) -> str | None:
    """The Python codec for a declared charset label, or None when unknown or not text."""
    name = (label or "").strip().strip("\"'").lower()
    if not name or name in UNKNOWN:
        return None
    name = ALIASES.get(name, name)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return None
    # Byte-to-byte codecs (base64, zlib…) are not charsets, nor are Python's own text codecs.
    if not getattr(info, "_is_text_encoding", True) or info.name in PYTHON_ONLY_CODECS:
        return None
    return info.name


def decode_text(data: bytes, declared: str | None = None, *, guess: bool = True) -> str:
    """Decode `data`, trusting the declared charset first and our Mexican-mail prior after.

    `guess=False` skips statistical guessing (headers are too short for it).
    """
    codec = codec_for(declared)
    # 7-bit charsets (ISO-2022-JP, UTF-7) must still go through their codec.
    if data.isascii() and codec in {None, WESTERN, "utf-8"}:
        return data.decode("ascii")
    if codec == "utf-8" or codec is None or codec == WESTERN:
        # UTF-8 is self-validating: mislabelled UTF-8 is far more common than Latin text that
        # happens to be valid UTF-8.
        text = _strict(data, "utf-8")
        if text is not None:
            return text
        if codec == WESTERN:
            return data.decode(WESTERN, errors="replace")
    else:
        text = _strict(data, codec)
        if text is not None:
            return text
        text = _strict(data, "utf-8")
        if text is not None:
            return text
        return _decode_lenient(data, codec)
    if guess and len(data) >= MIN_GUESS_BYTES:
        guessed = _guess(data)
        if guessed is not None:
            return guessed
    return data.decode(WESTERN, errors="replace")


def repair_surrogates(text: str) -> str:
    """Decode bytes the email package kept as surrogate escapes (raw 8-bit header bytes)."""
    if not _has_surrogates(text):
        return text
    try:
        data = text.encode("utf-8", errors="surrogateescape")
    except UnicodeError:
        return text.encode("utf-8", errors="replace").decode("utf-8")
    return decode_text(data, None, guess=False)


def _has_surrogates(text: str) -> bool:
    return not text.isascii() and SURROGATE.search(text) is not None


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeError, LookupError, ValueError, TypeError):
        return None


def _decode_lenient(data: bytes, codec: str) -> str:
    try:
        return data.decode(codec, errors="replace")
    except (UnicodeError, LookupError, ValueError, TypeError):
        return data.decode(WESTERN, errors="replace")


def _guess(data: bytes) -> str | None:
    try:
        best = from_bytes(data).best()
    except Exception:  # a third-party heuristic must not stop a message
        return None
    if best is None or best.encoding in LATIN_GUESSES:
        return None
    return str(best)
