"""Full-text search over tickets: a port `tickets` owns and a feature app fills.

`TicketFilters.text` narrows a ticket list to the tickets whose words match; how is decided by
the class named in `settings.TICKET_TEXT_SEARCH` (atiende.search's engine), so `tickets` names
no feature. The filter is applied on top of the caller's permission scope (`ticket_scope`), and
`private` says whether internal notes and agents' tags may match (agents only). Without an
engine configured, the subject is matched plainly.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache

from django.conf import settings
from django.db.models import QuerySet
from django.utils.module_loading import import_string

from .models import Ticket


class TicketTextSearch:
    """The fallback engine: subject contains the text; no snippets."""

    def filter(self, tickets: QuerySet[Ticket], *, text: str, private: bool) -> QuerySet[Ticket]:
        cleaned = " ".join(text.replace("\x00", " ").split())[:200]
        return tickets.filter(subject__icontains=cleaned) if cleaned else tickets.none()

    def snippets(self, tickets: Sequence[Ticket], *, text: str, private: bool) -> dict[int, str]:
        """Safe HTML per ticket id: where the text matched, matches in <mark>."""
        return {}

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Around reading a page of a searched list (the engine may tune the database for it)."""
        yield


@cache
def engine() -> TicketTextSearch:
    path = getattr(settings, "TICKET_TEXT_SEARCH", "")
    return import_string(path)() if path else TicketTextSearch()
