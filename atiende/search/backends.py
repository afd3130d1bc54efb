"""The two places documents are matched: PostgreSQL's tsvector columns and SQLite's FTS5 table.

Both receive only words normalised in Python (`text.words`, `text.terms`) and query strings built
by `query.to_tsquery` / `query.to_fts5`; nothing a person typed reaches SQL as syntax. Each
backend answers the same three questions: write these documents, which document ids match (as
SQL to embed in a larger query), and the best matches with a score.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection

from atiende.core import clock

from .query import Query, to_fts5, to_tsquery
from .text import term_text, words

# Title over body over private text (internal notes): PostgreSQL's weights {D, C, B, A} and
# FTS5's bm25 column weights, tuned on bench/eval_search.py.
PG_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"
FTS5_WEIGHTS = (10.0, 2.5, 1.0)
# Index no more than this of one document's text (PostgreSQL refuses a tsvector over 1 MB).
MAX_FIELD_CHARS = 200_000


@dataclass(frozen=True)
class Indexable:
    kind: str
    object_id: int
    title: str
    body: str = ""
    private_body: str = ""
    language: str = "es"

    def clipped(self) -> Indexable:
        return Indexable(self.kind, self.object_id, self.title[:MAX_FIELD_CHARS], self.body[:MAX_FIELD_CHARS],
                         self.private_body[:MAX_FIELD_CHARS], "en" if self.language == "en" else "es")


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def config(language: str) -> str:
    return "atiende_en" if language == "en" else "atiende_es"


def _folded(text: str) -> str:
    return " ".join(words(text.replace("\x00", " ")))


# --- writing ------------------------------------------------------------------------------------

PG_UPSERT = """
INSERT INTO search_document (kind, object_id, language, title, body, private_body, updated_at, vector, public_vector)
SELECT v.kind, v.object_id, v.language, v.title, v.body, v.private_body, %s,
       setweight(to_tsvector(v.cfg::regconfig, v.ft), 'A') || setweight(to_tsvector(v.cfg::regconfig, v.fb), 'B')
         || setweight(to_tsvector(v.cfg::regconfig, v.fp), 'C'),
       CASE WHEN v.fp = '' THEN NULL
            ELSE setweight(to_tsvector(v.cfg::regconfig, v.ft), 'A') || setweight(to_tsvector(v.cfg::regconfig, v.fb), 'B')
       END
FROM unnest(%s::text[], %s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[],
            %s::text[], %s::text[]) AS v(kind, object_id, language, title, body, private_body, cfg, ft, fb, fp)
ON CONFLICT (kind, object_id) DO UPDATE SET
  language = EXCLUDED.language, title = EXCLUDED.title, body = EXCLUDED.body,
  private_body = EXCLUDED.private_body, updated_at = EXCLUDED.updated_at,
  vector = EXCLUDED.vector, public_vector = EXCLUDED.public_vector
"""


def write(items: Sequence[Indexable]) -> None:
    """Insert or replace the documents (one statement per backend and batch)."""
    items = [item.clipped() for item in items]
    if not items:
        return
    if is_postgres():
        columns = [
            [i.kind for i in items], [i.object_id for i in items], [i.language for i in items],
            [i.title.replace("\x00", "") for i in items], [i.body.replace("\x00", "") for i in items],
            [i.private_body.replace("\x00", "") for i in items], [config(i.language) for i in items],
            [_folded(i.title) for i in items], [_folded(i.body) for i in items], [_folded(i.private_body) for i in items],
        ]
        with connection.cursor() as cursor:
            cursor.execute(PG_UPSERT, [clock.now(), *columns])
        return
    _sqlite_write(items)


GIN_INDEXES = {
    "search_document_vector": "CREATE INDEX IF NOT EXISTS search_document_vector ON search_document USING gin (vector)",
    "search_document_public_vector": "CREATE INDEX IF NOT EXISTS search_document_public_vector ON search_document "
                                     "USING gin (COALESCE(public_vector, vector))",
}


@contextmanager
def bulk_load() -> Iterator[None]:
    """A first build of many documents on PostgreSQL: the GIN indexes (all kinds) are dropped
    for the load and built once after it, instead of row by row. Searches stay correct
    meanwhile, only slower; if the process dies before the end, the next run creates them."""
    if not is_postgres():
        yield
        return
    with connection.cursor() as cursor:
        for name in GIN_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for sql in GIN_INDEXES.values():
                cursor.execute(sql)
            cursor.execute("ANALYZE search_document")


def _sqlite_write(items: Sequence[Indexable]) -> None:
    from .models import Document

    kind = items[0].kind  # one kind per batch: services.documents_index groups them
    rows = [Document(kind=kind, object_id=i.object_id, language=i.language, title=i.title, body=i.body,
                     private_body=i.private_body, updated_at=clock.now()) for i in items]
    Document.objects.bulk_create(rows, update_conflicts=True, unique_fields=["kind", "object_id"],
                                 update_fields=["language", "title", "body", "private_body", "updated_at"])
    params = [(row.pk, term_text(i.title, i.language), term_text(i.body, i.language),
               term_text(i.private_body, i.language)) for row, i in zip(rows, items, strict=True)]
    with connection.cursor() as cursor:
        cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", [(p[0],) for p in params])
        cursor.executemany("INSERT INTO search_fts (rowid, title, body, private) VALUES (%s, %s, %s, %s)", params)


def delete(kind: str, object_ids: Sequence[int]) -> None:
    from .models import Document

    documents = Document.objects.filter(kind=kind, object_id__in=list(object_ids))
    if not is_postgres():
        ids = list(documents.values_list("id", flat=True))
        with connection.cursor() as cursor:
            cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", [(i,) for i in ids])
    documents.delete()


# --- matching -----------------------------------------------------------------------------------

def _pg_vector(private: bool) -> str:
    return "vector" if private else "COALESCE(public_vector, vector)"


def _fts_expression(query: Query, private: bool, match_all: bool = True) -> str:
    expression = to_fts5(query, match_all=match_all)
    return expression if private else "{title body} : (" + expression + ")"


def match_where(query: Query, *, private: bool) -> tuple[str, list]:
    """A condition on an unaliased search_document row (columns unqualified, so it holds in any
    subquery Django builds): true when the document matches `query`."""
    if is_postgres():
        return f"{_pg_vector(private)} @@ to_tsquery(%s::regconfig, %s)", [config(query.language), to_tsquery(query)]
    return "id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)", [_fts_expression(query, private)]


def ranked(kind: str, query: Query, *, private: bool, language: str, within: tuple[str, list] | None,
           limit: int, match_all: bool = True) -> list[tuple[int, float, str, str, str]]:
    """Best matches first: (object_id, score, title, body, private_body); higher score is better.
    `match_all=False`: documents matching any group of the query (more matches rank higher)."""
    filters, params = ["d.kind = %s"], [kind]
    if language:
        filters.append("d.language = %s")
        params.append(language)
    if within is not None:
        filters.append(f"d.object_id IN ({within[0]})")
        params.extend(within[1])
    where = " AND ".join(filters)
    if is_postgres():
        vector = "d.vector" if private else "COALESCE(d.public_vector, d.vector)"
        sql = (f"SELECT d.object_id, ts_rank_cd('{PG_WEIGHTS}'::float4[], {vector}, q) AS score, d.title, d.body, "
               f"d.private_body FROM search_document d, to_tsquery(%s::regconfig, %s) q "
               f"WHERE {vector} @@ q AND {where} ORDER BY score DESC, d.object_id LIMIT %s")
        params = [config(query.language), to_tsquery(query, match_all=match_all), *params, limit]
    else:
        weights = ", ".join(str(w) for w in FTS5_WEIGHTS)
        sql = (f"SELECT d.object_id, -bm25(search_fts, {weights}) AS score, d.title, d.body, d.private_body "
               f"FROM search_fts JOIN search_document d ON d.id = search_fts.rowid "
               f"WHERE search_fts MATCH %s AND {where} ORDER BY score DESC, d.object_id LIMIT %s")
        params = [_fts_expression(query, private, match_all), *params, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(row[0], float(row[1]), row[2], row[3], row[4]) for row in cursor.fetchall()]


# --- vocabulary (typos) -------------------------------------------------------------------------

def closest_words(kind: str, word: str, *, threshold: float) -> list[str]:
    """Known words of `kind` most similar to `word` by trigrams (pg_trgm on PostgreSQL)."""
    if is_postgres():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_limit(%s)", [threshold])
            cursor.execute(
                "SELECT word FROM search_word WHERE kind = %s AND word %% %s "
                "ORDER BY similarity(word, %s) DESC, word LIMIT 2", [kind, word, word])
            return [row[0] for row in cursor.fetchall()]
    from .vocabulary import closest_in_memory

    return closest_in_memory(kind, word, threshold=threshold)
