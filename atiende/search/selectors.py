"""Reads of the search app."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from django.db.models import QuerySet

from . import backends
from .models import Document, Synonym, Word
from .query import Query, Synonyms, parse
from .text import _TOKEN_RE, WORD_RE, fold, snippet, stem, words
from .vocabulary import VOCABULARY_KINDS

SYNONYMS_SECONDS = 60  # another process sees an admin's edit within this (this one at once)
_synonyms: dict[str, tuple[float, Synonyms]] = {}


def synonyms_forget() -> None:
    """Drop this process's copy of the synonyms (an edit was saved)."""
    _synonyms.clear()


def synonym_map(*, language: str = "es") -> Synonyms:
    """The admin's synonyms, folded: ("no", "me", "jala") -> [("no", "funciona"), ...]; read
    once a minute per process, not on every search."""
    cached = _synonyms.get(language)
    if cached is not None and time.monotonic() - cached[0] < SYNONYMS_SECONDS:
        return cached[1]
    found: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for phrase, meanings in Synonym.objects.filter(language=language).values_list("phrase", "meanings"):
        key = tuple(words(phrase))
        alternatives = [tuple(words(m)) for m in meanings.split(",")]
        if key:
            found.setdefault(key, []).extend(a for a in alternatives if a and a != key)
    _synonyms[language] = (time.monotonic(), found)
    return found


def query_parse(text: str, *, language: str = "es", prefix: bool = False) -> Query:
    """`text` as a query, with the admin's synonyms."""
    return parse(text, synonyms=synonym_map(language=language), language=language, prefix=prefix)


# --- the engine ---------------------------------------------------------------------------------

TYPO_MIN_LENGTH = 4  # shorter words have too few trigrams to correct safely
TYPO_SIMILARITY = 0.45
MAX_HITS = 100


@dataclass(frozen=True)
class Hit:
    object_id: int
    score: float
    title: str
    snippet: str  # safe HTML: escaped text, matches in <mark>


def with_typo_alternatives(query: Query, *, kind: str) -> Query:
    """`query` where each typed word the documents never use also accepts the closest known
    words ("contrasenia" -> "contrasena"); known words are left alone."""
    if kind not in VOCABULARY_KINDS:
        return query
    # The unfinished last word of a suggestion is not a typo: it is matched as a prefix.
    groups = query.groups[:-1] if query.prefix else query.groups
    typed = {group[0][0] for group in groups if len(group[0]) == 1 and len(group[0][0]) >= TYPO_MIN_LENGTH
             and not group[0][0].isdigit()}
    if not typed:
        return query
    known = set(Word.objects.filter(kind=kind, word__in=typed).values_list("word", flat=True))
    groups = []
    for group in query.groups:
        word = group[0][0] if len(group[0]) == 1 else ""
        if word in typed and word not in known and not any(len(alt) == 1 and alt[0] in known for alt in group[1:]):
            extra = [(w,) for w in backends.closest_words(kind, word, threshold=TYPO_SIMILARITY)]
            group = tuple(dict.fromkeys([*group, *extra]))
        groups.append(group)
    return replace(query, groups=tuple(groups))


RERANK_CANDIDATES = 20
TITLE_GROUP = 3.0  # a group of the question found in the title counts this much,
BODY_GROUP = 1.0  # in the body (or agents' private text) this much, and the backend's score adds up to 1


def _vocabulary_of(text: str, language: str) -> set[str]:
    found = words(text)
    return set(found) | {stem(w, language) for w in found}


def _group_found(query: Query, g: int, vocabulary: set[str]) -> bool:
    for a, alternative in enumerate(query.groups[g]):
        last = len(alternative) - 1
        if all(w in vocabulary or stem(w, query.language) in vocabulary
               or (query.prefix and g == len(query.groups) - 1 and a == 0 and i == last
                   and any(term.startswith(w) for term in vocabulary))
               for i, w in enumerate(alternative)):
            return True
    return False


def _coverage(query: Query, title: str, body: str, private_body: str) -> float:
    """How much of the question a document answers: each group found in the title or the body."""
    in_title = _vocabulary_of(title, query.language)
    in_body = _vocabulary_of(body + "\n" + private_body, query.language)
    total = 0.0
    for g in range(len(query.groups)):
        if _group_found(query, g, in_title):
            total += TITLE_GROUP
        elif _group_found(query, g, in_body):
            total += BODY_GROUP
    return total


SNIPPET_CONTEXT = 400  # characters kept around the first match before `text.snippet` trims them


SNIPPET_SCAN = 4_000  # characters searched for the first match (one further in: the snippet shows the start)


def _first_match(text: str, query: Query) -> int:
    """Where the first word of `text` that the query looks for starts, or -1."""
    terms, language = query.terms, query.language
    text = text[:SNIPPET_SCAN]
    folded = fold(text)
    if len(folded) == len(text):  # the usual case: folding kept every position (é -> e)
        for match in WORD_RE.finditer(folded):
            word = match.group()
            if word in terms or stem(word, language) in terms:
                return match.start()
        return -1
    for match in _TOKEN_RE.finditer(text):  # ß -> ss and the like: fold word by word
        word = fold(match.group())
        if word in terms or stem(word, language) in terms:
            return match.start()
    return -1


def _snippet(query: Query, title: str, body: str, private_body: str, *, private: bool) -> str:
    for candidate in (body, private_body if private else ""):
        at = _first_match(candidate, query) if candidate else -1
        if at >= 0:
            start = candidate.rfind(" ", 0, max(0, at - SNIPPET_CONTEXT // 2)) + 1
            window = candidate[start : at + SNIPPET_CONTEXT]
            html = snippet(window, query.terms, language=query.language)
            return ("… " if start and not html.startswith("…") else "") + html
    return snippet((body or title)[: SNIPPET_CONTEXT * 2], query.terms, language=query.language)


def search(kind: str, text: str, *, language: str = "", private: bool = False, within: QuerySet | None = None,
           limit: int = 20, prefix: bool = False) -> list[Hit]:
    """Documents of `kind` matching `text`, best first.

    `private`: match and show agents' text too (internal notes). `within`: a queryset of the
    object ids the viewer may see (the owning app's permission scope), applied in the same SQL.
    `language`: "es" or "en" to search one language's documents; anything else searches all with
    Spanish rules. Nothing searchable in `text` -> no hits (never an error)."""
    rules = language if language in ("es", "en") else "es"
    query = query_parse(text, language=rules, prefix=prefix)
    if not query:
        return []
    query = with_typo_alternatives(query, kind=kind)
    scope = None
    if within is not None:
        sql, params = within.order_by().query.sql_with_params()  # an IN list needs no order
        scope = (sql, list(params))
    limit = max(1, min(limit, MAX_HITS))
    # Candidates: documents with any of the words, by the backend's own rank (bm25 / ts_rank_cd);
    # then the same re-ranking in Python on both backends (`_coverage`), so the order a person
    # sees depends on which of their words a document has, and where, more than on the backend.
    rows = backends.ranked(kind, query, private=private, language=language if language in ("es", "en") else "",
                           within=scope, limit=max(limit, RERANK_CANDIDATES), match_all=len(query.groups) == 1)
    top = max((row[1] for row in rows), default=0.0) or 1.0
    rescored = [(_coverage(query, title, body, private_body if private else "") + score / top, object_id,
                 title, body, private_body) for object_id, score, title, body, private_body in rows]
    rescored.sort(key=lambda row: (-row[0], row[1]))
    rows = [(object_id, round(score, 4), title, body, private_body)
            for score, object_id, title, body, private_body in rescored[:limit]]
    return [Hit(object_id, score, title, _snippet(query, title, body, private_body, private=private))
            for object_id, score, title, body, private_body in rows]


def document_snippets(kind: str, object_ids: list[int], text: str, *, private: bool, language: str = "es") -> dict[int, str]:
    """Safe HTML per object id: where `text` matched its document, matches in <mark>."""
    query = query_parse(text, language=language)
    if not query or not object_ids:
        return {}
    rows = Document.objects.filter(kind=kind, object_id__in=object_ids).values_list(
        "object_id", "title", "body", "private_body")
    return {oid: _snippet(query, title, body, private_body, private=private) for oid, title, body, private_body in rows}
