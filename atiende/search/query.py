"""What a person typed, as a query every backend can run safely (pure: no ORM).

User input is only ever words: letters and digits are kept, everything else (FTS operators
`& | ! " * ( ) :`, `NEAR`, SQL quotes, NUL bytes) separates words, and the backends' query
strings are built here from those words alone, never from the input itself.

A query is a list of *groups*; a group matches when any of its *alternatives* does; an
alternative is a few words that must all appear. Synonyms turn one group into several
alternatives: "no me jala el correo" -> (jala | funciona) & (correo).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .text import MAX_QUERY_CHARS, MAX_QUERY_WORDS, STOP_WORDS, stem, words

# Synonyms as the admin wrote them, folded: ("no", "me", "jala") -> (("no", "funciona"), ...).
Synonyms = Mapping[tuple[str, ...], Sequence[tuple[str, ...]]]
LONGEST_PHRASE = 4


@dataclass(frozen=True)
class Query:
    groups: tuple[tuple[tuple[str, ...], ...], ...]  # groups -> alternatives -> folded words
    language: str = "es"
    prefix: bool = False  # the last word may be unfinished (suggestions while typing)

    def __bool__(self) -> bool:
        return bool(self.groups)

    @property
    def terms(self) -> frozenset[str]:
        """Every stemmed term and folded word the query looks for (to mark snippets)."""
        found: set[str] = set()
        for group in self.groups:
            for alternative in group:
                for word in alternative:
                    found.update((word, stem(word, self.language)))
        return frozenset(found)


def _content(phrase: Sequence[str]) -> tuple[str, ...]:
    return tuple(w for w in phrase if w not in STOP_WORDS)


def parse(text: str, *, synonyms: Synonyms | None = None, language: str = "es", prefix: bool = False) -> Query:
    """The query for `text`; an empty Query when nothing searchable is left."""
    typed = words((text or "")[:MAX_QUERY_CHARS])[:MAX_QUERY_WORDS]
    synonyms = synonyms or {}
    groups: list[tuple[tuple[str, ...], ...]] = []
    i = 0
    while i < len(typed):
        for size in range(min(LONGEST_PHRASE, len(typed) - i), 0, -1):
            phrase = tuple(typed[i : i + size])
            if phrase in synonyms:
                alternatives = [phrase, *synonyms[phrase]]
                break
        else:
            size, alternatives = 1, [(typed[i],)]
        i += size
        content = [_content(a) for a in alternatives]
        # An alternative of stop words only ("a", "de") would match everything: drop the group.
        if all(content) and content:
            group = tuple(dict.fromkeys(content))
            if group not in groups:
                groups.append(group)
    last_is_typed_word = bool(typed) and typed[-1] not in STOP_WORDS and groups and groups[-1][0] == (typed[-1],)
    return Query(tuple(groups), language=language, prefix=prefix and last_is_typed_word)


def _is_prefixed(query: Query, g: int, a: int, w: int) -> bool:
    return query.prefix and g == len(query.groups) - 1 and a == 0 and w == len(query.groups[g][0]) - 1


def to_fts5(query: Query, *, match_all: bool = True) -> str:
    """An FTS5 MATCH expression over stemmed terms (each term quoted; terms are [0-9a-z]+)."""
    groups = []
    for g, group in enumerate(query.groups):
        alternatives = []
        for a, alternative in enumerate(group):
            parts = []
            for w, word in enumerate(alternative):
                if _is_prefixed(query, g, a, w):
                    parts.append(f'"{stem(word, query.language)}"*')  # 'certifi' prefixes 'certific'
                else:
                    parts.append(f'"{stem(word, query.language)}"')
            alternatives.append("(" + " AND ".join(parts) + ")")
        groups.append("(" + " OR ".join(alternatives) + ")")
    return (" AND " if match_all else " OR ").join(groups)


def to_tsquery(query: Query, *, match_all: bool = True) -> str:
    """A `to_tsquery` text for PostgreSQL's atiende_es/atiende_en configuration (which stems the
    folded words itself and drops its own stop words)."""
    groups = []
    for g, group in enumerate(query.groups):
        alternatives = []
        for a, alternative in enumerate(group):
            parts = [word + (":*" if _is_prefixed(query, g, a, w) else "") for w, word in enumerate(alternative)]
            alternatives.append("(" + " & ".join(parts) + ")")
        groups.append("(" + " | ".join(alternatives) + ")")
    return (" & " if match_all else " | ").join(groups)
