"""Ticket full-text search over the 1M-ticket / 3M-message bench database: p95 of the first page
(50 rows, most recently updated first, with snippets) for two-word queries that match 1,000+
tickets, as the designated agent (teams 1 and 2, as the ticket list applies it) and as an admin.
Target: p95 <= 100 ms.

    make bench-seed   # or: .venv/bin/python bench/seed.py --database-url ... --reset
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/atiende_h_search_bench .venv/bin/atiende search reindex ticket
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/atiende_h_search_bench .venv/bin/python bench/bench_ticket_search.py

Measured in the process, through the same selector and engine as `GET /api/v1/tickets/?q=` and
the workspace search (`ticket_list(filters=TicketFilters(text=...))` + `snippets`), so the
figure is the database's and the engine's, not the HTTP stack's (bench_list.py measures that).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import percentile, verdict  # noqa: E402

QUERIES = ["factura duplicada", "reembolso pendiente", "pedido incompleto", "cobro reconocido",
           "pago rechazado", "producto dañado", "guia envio", "direccion entrega", "cambio talla",
           "cupon aplicado", "caja abierta", "garantia producto"]
PAGE = 50
TARGET_MS = 100.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="timed runs of each query per user")
    parser.add_argument("--serial", action="store_true",
                        help="PostgreSQL without parallel workers for this session (what a fix would give)")
    parser.add_argument("--only", default="", help="workspace or api")
    args = parser.parse_args()
    if "atiende_h_" not in os.environ.get("DATABASE_URL", "") and "bench" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("Set DATABASE_URL to the bench database (never `atiende`).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atiende.settings.base")
    import django

    django.setup()
    from atiende.accounts.models import User
    from atiende.tickets import text_search
    from atiende.tickets.selectors import TicketFilters, ticket_list
    from atiende.workspace.selectors import ticket_search

    def api_page(user, text):
        """What GET /api/v1/tickets/?q= reads: the list's rows and joins, the first page, snippets."""
        with text_search.engine().reading():  # as the API view reads a searched page
            rows = list(ticket_list(user=user, filters=TicketFilters(text=text)).order_by("-updated_at", "-id")[:PAGE])
        text_search.engine().snippets(rows, text=text, private=True)
        return rows

    def workspace_page(user, text):
        """The workspace search page: the number, then the first page of matches, with snippets."""
        return ticket_search(user=user, text=text).tickets

    paths = {"workspace": workspace_page, "api": api_page}
    if args.only:
        paths = {args.only: paths[args.only]}
    if args.serial:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SET max_parallel_workers_per_gather = 0")
    users = {"agent (teams 1-2)": User.objects.get(pk=1), "admin (all)": User.objects.get(pk=2)}
    print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    counted: dict[tuple[str, str], int] = {}
    for (path, first_page), (who, user) in [(p, u) for p in paths.items() for u in users.items()]:
        label = f"{path}, {who}"
        timings = []
        for text in QUERIES:
            if (who, text) not in counted:
                counted[who, text] = ticket_list(user=user, filters=TicketFilters(text=text)).count()
            hits = counted[who, text]
            if hits < 1000:
                print(f"  skip {text!r}: {hits} hits")
                continue
            first_page(user, text)  # warm the cache as a live server would be
            for _ in range(args.rounds):
                started = time.perf_counter()
                rows = first_page(user, text)
                timings.append((time.perf_counter() - started) * 1000)
            if path == "workspace":
                print(f"  {who}: {text!r}: {hits} hits, page of {len(rows)}")
        timings.sort()
        p95 = percentile(timings, 95)
        print(f"{label}: {len(timings)} searches, p50 {percentile(timings, 50):.1f} ms, p95 {p95:.1f} ms, "
              f"max {timings[-1]:.1f} ms -> {verdict(p95, TARGET_MS)} (target p95 <= {TARGET_MS:.0f} ms)")
    print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")


if __name__ == "__main__":
    main()
