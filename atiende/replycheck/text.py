"""Plain-text pieces the rules share: words with their offsets, sentences, lines, syllables.

No ORM and no Django: the rules are pure functions of the text."""

from __future__ import annotations

import functools
import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass

# A word: letters (any script, accents included), with inner apostrophes or hyphens ("don't", "e-mail").
WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
# What is not prose, and whose words the spelling and shouting rules skip: addresses, domains,
# URLs, code, paths, handles, numbers with letters ("587", "4GB", "v2.3").
NOT_PROSE = re.compile(
    r"""(?xi)
    `[^`\n]*`                                   # inline code
    | ```.*?```                                 # code block
    | \b[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+         # e-mail address
    | \b(?:https?|ftp|sftp|ssh)://\S+           # URL
    | \bwww\.\S+
    | \b[\w\-]+(?:\.[\w\-]+)*\.[a-z]{2,}(?:/\S*)?\b  # domain or file name (tienda.com.mx, config.php)
    | (?<!\w)[/~][\w.\-]+(?:/[\w.\-]+)+        # path (/var/www/html)
    | [@\#]\w+                                  # handle, hashtag, ticket number
    | \b\w*\d\w*\b                              # anything with a digit (587, 4GB, MX10)
    | \b\w+_\w+\b                               # snake_case identifiers
    """,
    re.DOTALL,
)
SHORT_LINE = 6  # words
SENTENCE_END = re.compile(r"[.!?…]+[\"'»”)]*(?=\s|$)|\n\s*\n")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


_ACCENTS = str.maketrans("áéíóúüàèìòùâêîôûäëïöç", "aeiouuaeiouaeiouaeioc")


@functools.lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Lowercase without accents (ñ kept): "Configuración" → "configuracion"."""
    lower = word.lower().translate(_ACCENTS)
    if lower.isascii() or all(c.isascii() or c == "ñ" for c in lower):
        return lower
    out = []
    for char in lower:
        if char == "ñ":
            out.append(char)
            continue
        decomposed = unicodedata.normalize("NFD", char)
        out.append("".join(c for c in decomposed if unicodedata.category(c) != "Mn"))
    return "".join(out)


# The rules ask for the same text's words and sentences several times in one check: kept for the
# last few texts (a check is one text; the composer sends a few drafts a minute).
@functools.lru_cache(maxsize=16)
def masked(text: str) -> str:
    """The text with its non-prose runs blanked out, offsets unchanged."""
    return NOT_PROSE.sub(lambda m: " " * len(m.group()), text)


@functools.lru_cache(maxsize=16)
def words(text: str) -> tuple[Span, ...]:
    prose = masked(text)
    return tuple(Span(m.start(), m.end(), m.group()) for m in WORD.finditer(prose))


def words_between(text: str, start: int, end: int) -> tuple[Span, ...]:
    """The words of `text` inside [start, end)."""
    spans = words(text)
    starts = _word_starts(text)
    return spans[bisect_left(starts, start):bisect_left(starts, end)]


@functools.lru_cache(maxsize=16)
def _word_starts(text: str) -> list[int]:
    return [span.start for span in words(text)]


@functools.lru_cache(maxsize=16)
def sentences(text: str) -> tuple[Span, ...]:
    """Sentences as spans of `text`. A line break ends one after a stop or a colon, or after a short
    line (a greeting, "Saludos,", a signature); a longer line without one is prose wrapped by hand."""
    spans: list[Span] = []
    start = 0
    for line in _lines_with_offsets(text):
        for end_match in SENTENCE_END.finditer(line.text):
            _add(spans, text, start, line.start + end_match.end())
            start = line.start + end_match.end()
        rest = line.text[start - line.start:] if start > line.start else line.text
        stripped = rest.strip()
        if not stripped or stripped[-1] in ":;" or len(stripped.split()) <= SHORT_LINE:
            _add(spans, text, start, line.end)
            start = line.end + 1
    _add(spans, text, start, len(text))
    return tuple(spans)


@functools.lru_cache(maxsize=16)
def lines(text: str) -> tuple[Span, ...]:
    return tuple(line for line in _lines_with_offsets(text) if line.text.strip())


def _lines_with_offsets(text: str) -> list[Span]:
    out, start = [], 0
    for line in text.split("\n"):
        out.append(Span(start, start + len(line), line))
        start += len(line) + 1
    return out


def _add(spans: list[Span], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    lead = len(piece) - len(piece.lstrip())
    spans.append(Span(start + lead, start + lead + len(stripped), stripped))


SPANISH_STRONG = set("aeoáéóíú")  # accented weak vowels break a diphthong (dí-a, ba-úl)
SPANISH_VOWELS = set("aeiouáéíóúü")


@functools.lru_cache(maxsize=65536)
def syllables_es(word: str) -> int:
    """Vowel nuclei: a new syllable after a consonant or between two strong vowels (hiatus)."""
    count, previous = 0, ""
    for char in word.lower():
        if char in SPANISH_VOWELS:
            if not previous or previous not in SPANISH_VOWELS:
                count += 1
            elif char in SPANISH_STRONG and previous in SPANISH_STRONG:
                count += 1
        previous = char
    if word.lower().endswith("y") and len(word) > 1 and word.lower()[-2] not in SPANISH_VOWELS:
        count += 1  # "muy" has its vowel; "hoy", "ley" too — only "y" after a consonant adds one
    return max(count, 1)


@functools.lru_cache(maxsize=65536)
def syllables_en(word: str) -> int:
    word = word.lower().strip("'’")
    groups = re.findall(r"[aeiouy]+", word)
    count = len(groups)
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1
    if word.endswith(("ed", "es")) and not word.endswith(("ted", "ded", "ses", "zes", "ches", "shes")) and count > 1:
        count -= 1
    return max(count, 1)
