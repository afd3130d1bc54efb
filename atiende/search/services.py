"""Writes of the search app."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from atiende.core import clock

from .models import MissedQuery
from .text import words


def missed_query_log(*, kind: str, text: str) -> None:
    """Count a search of `kind` that found nothing; the folded words are kept, at most 200 chars."""
    folded = " ".join(words(text or ""))[:200].strip()
    if not folded:
        return
    with transaction.atomic():
        updated = MissedQuery.objects.filter(kind=kind, text=folded).update(times=F("times") + 1, last_at=clock.now())
        if not updated:
            MissedQuery.objects.get_or_create(kind=kind, text=folded, defaults={"last_at": clock.now()})
