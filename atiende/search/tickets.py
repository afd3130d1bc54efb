"""Tickets in the search index: what a ticket's document says, keeping it current, and the
engine behind `tickets.text_search` (the port `TicketFilters.text` goes through).

A ticket's document: title = subject and number; body = public messages, requester's name and
email addresses, public tags (what its customers may read); private text = internal notes and
agents' tags (matched for agents only).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet

from atiende.customers.models import Identity, IdentityKind
from atiende.tickets.hooks import Change, TicketHooks
from atiende.tickets.models import Message, MessageKind, Ticket
from atiende.tickets.text_search import TicketTextSearch

from . import backends
from .backends import Indexable
from .models import Document
from .selectors import document_snippets, query_parse

KIND = "ticket"
BATCH = 1000


def ticket_documents(ticket_ids: Sequence[int]) -> list[Indexable]:
    """The documents of these tickets, read in four queries."""
    tickets = list(Ticket.objects.filter(pk__in=ticket_ids).values_list("id", "number", "subject", "requester_id",
                                                                         "requester__name"))
    requesters = {row[3] for row in tickets}
    emails: dict[int, list[str]] = {}
    for customer_id, value in Identity.objects.filter(customer_id__in=requesters, kind=IdentityKind.EMAIL) \
            .values_list("customer_id", "value"):
        emails.setdefault(customer_id, []).append(value)
    public: dict[int, list[str]] = {}
    private: dict[int, list[str]] = {}
    messages = Message.objects.filter(ticket_id__in=ticket_ids).order_by("ticket_id", "created_at", "id")
    for ticket_id, kind, text in messages.values_list("ticket_id", "kind", "body_text"):
        (private if kind == MessageKind.INTERNAL else public).setdefault(ticket_id, []).append(text)
    tagged = Ticket.tags.through.objects.filter(ticket_id__in=ticket_ids).values_list("ticket_id", "tag__name",
                                                                                        "tag__is_public")
    for ticket_id, name, is_public in tagged:
        (public if is_public else private).setdefault(ticket_id, []).append(name)
    return [
        Indexable(KIND, pk, f"{subject} #{number}",
                  "\n".join([*public.get(pk, []), name or "", *emails.get(requester_id, [])]),
                  "\n".join(private.get(pk, [])))
        for pk, number, subject, requester_id, name in tickets
    ]


def tickets_reindex(ticket_ids: Iterable[int]) -> int:
    """Write the documents of these tickets as they are now; returns how many."""
    ids = sorted(set(ticket_ids))
    for start in range(0, len(ids), BATCH):
        backends.write(ticket_documents(ids[start : start + BATCH]))
    return len(ids)


# PostgreSQL's rebuild of many tickets in one statement per batch: the same document as
# `ticket_documents` builds, assembled and folded inside the database (no row travels through
# Python; `atiende_fold` is `text.words` in SQL: lower case, unaccent, anything but [0-9a-z]
# separates words). Four times faster than the Python path on the 1M-ticket bench database.
PG_BATCH_SQL = """
WITH t AS (SELECT id, number, subject, requester_id FROM tickets_ticket WHERE id = ANY(%(ids)s)),
m AS (SELECT m.ticket_id,
             string_agg(m.body_text, E'\n' ORDER BY m.created_at, m.id) FILTER (WHERE m.kind <> 'internal') AS pub,
             string_agg(m.body_text, E'\n' ORDER BY m.created_at, m.id) FILTER (WHERE m.kind = 'internal') AS priv
      FROM tickets_message m WHERE m.ticket_id = ANY(%(ids)s) GROUP BY m.ticket_id),
g AS (SELECT tt.ticket_id, string_agg(tag.name, E'\n') FILTER (WHERE tag.is_public) AS pub,
             string_agg(tag.name, E'\n') FILTER (WHERE NOT tag.is_public) AS priv
      FROM tickets_ticket_tags tt JOIN tickets_tag tag ON tag.id = tt.tag_id
      WHERE tt.ticket_id = ANY(%(ids)s) GROUP BY tt.ticket_id),
e AS (SELECT i.customer_id, string_agg(i.value, E'\n') AS emails FROM customers_identity i
      WHERE i.kind = 'email' AND i.customer_id IN (SELECT requester_id FROM t) GROUP BY i.customer_id),
d AS (SELECT t.id, t.subject || ' #' || t.number AS title,
             left(concat_ws(E'\n', m.pub, g.pub, c.name, e.emails), %(max)s) AS body,
             left(concat_ws(E'\n', m.priv, g.priv), %(max)s) AS priv
      FROM t JOIN customers_customer c ON c.id = t.requester_id
      LEFT JOIN m ON m.ticket_id = t.id LEFT JOIN g ON g.ticket_id = t.id LEFT JOIN e ON e.customer_id = t.requester_id),
v AS (SELECT d.*, setweight(to_tsvector('atiende_es', atiende_fold(d.title)), 'A')
                  || setweight(to_tsvector('atiende_es', atiende_fold(d.body)), 'B') AS pv,
             setweight(to_tsvector('atiende_es', atiende_fold(d.priv)), 'C') AS cv
      FROM d)
INSERT INTO search_document (kind, object_id, language, title, body, private_body, updated_at, vector, public_vector)
SELECT 'ticket', v.id, 'es', v.title, v.body, v.priv, now(), v.pv || v.cv, CASE WHEN v.priv = '' THEN NULL ELSE v.pv END
FROM v
ON CONFLICT (kind, object_id) DO UPDATE SET
  language = EXCLUDED.language, title = EXCLUDED.title, body = EXCLUDED.body,
  private_body = EXCLUDED.private_body, updated_at = EXCLUDED.updated_at,
  vector = EXCLUDED.vector, public_vector = EXCLUDED.public_vector
"""


def tickets_reindex_all(*, batch: int = BATCH, progress=None) -> int:
    """Every ticket, in batches of `batch` ids (keyset by id: constant memory on 1M tickets)."""
    done, last = 0, 0
    while True:
        ids = list(Ticket.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            return done
        if backends.is_postgres():
            with connection.cursor() as cursor:
                cursor.execute(PG_BATCH_SQL, {"ids": ids, "max": backends.MAX_FIELD_CHARS})
        else:
            backends.write(ticket_documents(ids))
        done, last = done + len(ids), ids[-1]
        if progress is not None:
            progress(done)


class SearchHooks(TicketHooks):
    """Keeps ticket documents current inside the change's transaction (never a nightly rebuild)."""

    def ticket_created(self, ticket: Ticket, *, actor, message: Message) -> None:
        tickets_reindex([ticket.pk])

    def message_added(self, message: Message, *, actor) -> None:
        tickets_reindex([message.ticket_id])

    def ticket_changed(self, ticket: Ticket, *, actor, changes: Sequence[Change]) -> None:
        tickets_reindex([ticket.pk])

    def tickets_imported(self, created: Sequence[tuple[Ticket, Message]]) -> None:
        tickets_reindex(ticket.pk for ticket, _message in created)

    def replies_imported(self, messages: Sequence[Message]) -> None:
        tickets_reindex(message.ticket_id for message in messages)

    def messages_redacted(self, ticket_ids: Sequence[int]) -> None:
        tickets_reindex(ticket_ids)


class TicketSearch(TicketTextSearch):
    """The engine of `tickets.text_search`: an index probe per ticket row (`Exists` on the
    document of the same id), so a list walked in its own order stops after one page."""

    def filter(self, tickets: QuerySet[Ticket], *, text: str, private: bool) -> QuerySet[Ticket]:
        query = query_parse(text, prefix=True)  # the last word may be unfinished ("ana cli")
        if not query:
            return tickets.none()
        where, params = backends.match_where(query, private=private)
        documents = Document.objects.filter(kind=KIND, object_id=OuterRef("pk")).extra(where=[where], params=params)
        return tickets.filter(Exists(documents))

    def snippets(self, tickets: Sequence[Ticket], *, text: str, private: bool) -> dict[int, str]:
        return document_snippets(KIND, [t.pk for t in tickets], text, private=private)

    @contextmanager
    def reading(self) -> Iterator[None]:
        """PostgreSQL plans a searched page with parallel workers for its estimated cost, and
        their start-up costs more than the page (p95 205-230 ms against 63-78 ms serial on the
        bench database, docs/performance.md): the page is read without them (two statements:
        SET, then RESET even when the read fails)."""
        if not backends.is_postgres():
            yield
            return
        with connection.cursor() as cursor:
            cursor.execute("SET max_parallel_workers_per_gather = 0")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET max_parallel_workers_per_gather")
