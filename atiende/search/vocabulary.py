"""Typo correction: the closest known word by trigram similarity, as pg_trgm's `%` finds it.

PostgreSQL asks its trigram index (backends.closest_words); SQLite keeps each kind's vocabulary
in memory as a trigram -> words map, reloaded when the vocabulary grows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from .text import similarity, trigrams

# Kinds whose words feed the typo vocabulary: the help center's words are few and curated;
# ticket text is large and full of customers' own typos.
VOCABULARY_KINDS = frozenset({"article"})

_cache: dict[str, tuple[int, dict[str, set[str]]]] = {}


def _index(kind: str) -> dict[str, set[str]]:
    from .models import Word

    size = Word.objects.filter(kind=kind).count()
    cached = _cache.get(kind)
    if cached is not None and cached[0] == size:
        return cached[1]
    index: dict[str, set[str]] = {}
    for word in Word.objects.filter(kind=kind).values_list("word", flat=True).iterator(chunk_size=5000):
        for gram in trigrams(word):
            index.setdefault(gram, set()).add(word)
    _cache[kind] = (size, index)
    return index


def closest_in_memory(kind: str, word: str, *, threshold: float) -> list[str]:
    index = _index(kind)
    shared: Counter[str] = Counter()
    for gram in trigrams(word):
        shared.update(index.get(gram, ()))
    scored = sorted(((similarity(word, w), w) for w, _n in shared.most_common(50)), key=lambda p: (-p[0], p[1]))
    return [w for score, w in scored[:2] if score >= threshold]


def vocabulary_add(kind: str, texts: Iterable[str]) -> None:
    """Remember the words of `texts` for `kind` (words of 4 to 40 letters; digits are never typos)."""
    from .models import Word
    from .text import STOP_WORDS, words

    found = {w for text in texts for w in words(text) if 4 <= len(w) <= 40 and not w.isdigit() and w not in STOP_WORDS}
    if found:
        Word.objects.bulk_create([Word(kind=kind, word=w) for w in sorted(found)], ignore_conflicts=True, batch_size=1000)
