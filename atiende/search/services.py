"""Writes of the search app."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.module_loading import import_string

from atiende.core import clock

from . import backends
from .backends import Indexable
from .models import MissedQuery
from .text import words
from .vocabulary import VOCABULARY_KINDS, vocabulary_add

BATCH = 500


def missed_query_log(*, kind: str, text: str) -> None:
    """Count a search of `kind` that found nothing; the folded words are kept, at most 200 chars."""
    folded = " ".join(words(text or ""))[:200].strip()
    if not folded:
        return
    with transaction.atomic():
        updated = MissedQuery.objects.filter(kind=kind, text=folded).update(times=F("times") + 1, last_at=clock.now())
        if not updated:
            MissedQuery.objects.get_or_create(kind=kind, text=folded, defaults={"last_at": clock.now()})


def documents_index(items: Sequence[Indexable]) -> None:
    """Insert or replace many documents (any kinds), in batches of one kind."""
    by_kind: dict[str, list[Indexable]] = {}
    for item in items:
        by_kind.setdefault(item.kind, []).append(item)
    for kind, group in by_kind.items():
        for start in range(0, len(group), BATCH):
            backends.write(group[start : start + BATCH])
        if kind in VOCABULARY_KINDS:
            vocabulary_add(kind, (text for item in group for text in (item.title, item.body)))


def index_document(*, kind: str, object_id: int, title: str, body: str = "", private_body: str = "",
                   language: str = "es") -> None:
    """Make one object findable as it is now (call it in the transaction that changed it)."""
    documents_index([Indexable(kind, object_id, title, body, private_body, language)])


def delete_document(*, kind: str, object_id: int) -> None:
    backends.delete(kind, [object_id])


def reindex_kinds() -> list[str]:
    return list(getattr(settings, "SEARCH_REINDEXERS", {}))


def reindex(kind: str, *, batch: int = BATCH, progress: Callable[[int], None] | None = None,
            drop_indexes: bool = False) -> int:
    """Rebuild every document of `kind` from its source (settings.SEARCH_REINDEXERS), in batches
    each written in one statement and committed on its own: a 1M-ticket rebuild keeps constant
    memory and can be interrupted and run again. `drop_indexes` (PostgreSQL): build the GIN
    indexes once after the load instead of row by row — for a first build of many documents."""
    reindexer = import_string(settings.SEARCH_REINDEXERS[kind])
    if not drop_indexes:
        return reindexer(batch=batch, progress=progress)
    with backends.bulk_load():
        return reindexer(batch=batch, progress=progress)
