"""Ticket numbers: sequential, unique and safe under concurrency.

PostgreSQL hands them out from a sequence (no lock held while the ticket's transaction runs);
SQLite takes the next after the highest inside the transaction, which is safe because our SQLite
connections begin IMMEDIATE transactions (one writer at a time).
"""

from __future__ import annotations

from django.db import connection

SEQUENCE = "tickets_ticket_number_seq"
FIRST_NUMBER = 1000


def next_ticket_number() -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(%s)", [SEQUENCE])
        else:
            cursor.execute("SELECT COALESCE(MAX(number), %s) + 1 FROM tickets_ticket", [FIRST_NUMBER - 1])
        return int(cursor.fetchone()[0])


def next_ticket_numbers(count: int) -> list[int]:
    """`count` numbers in one query (imports); on SQLite the transaction's lock keeps them free."""
    if count <= 0:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [SEQUENCE, count])
            return [int(row[0]) for row in cursor.fetchall()]
        cursor.execute("SELECT COALESCE(MAX(number), %s) + 1 FROM tickets_ticket", [FIRST_NUMBER - 1])
        first = int(cursor.fetchone()[0])
        return list(range(first, first + count))
