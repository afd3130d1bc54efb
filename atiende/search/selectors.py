"""Reads of the search app."""

from __future__ import annotations

from .models import Synonym
from .query import Query, Synonyms, parse
from .text import words


def synonym_map(*, language: str = "es") -> Synonyms:
    """The admin's synonyms, folded: ("no", "me", "jala") -> [("no", "funciona"), ...]."""
    found: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for phrase, meanings in Synonym.objects.filter(language=language).values_list("phrase", "meanings"):
        key = tuple(words(phrase))
        alternatives = [tuple(words(m)) for m in meanings.split(",")]
        if key:
            found.setdefault(key, []).extend(a for a in alternatives if a and a != key)
    return found


def query_parse(text: str, *, language: str = "es", prefix: bool = False) -> Query:
    """`text` as a query, with the admin's synonyms."""
    return parse(text, synonyms=synonym_map(language=language), language=language, prefix=prefix)
