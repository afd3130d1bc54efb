"""Ticket creation with 50 active triggers against none: extra milliseconds per ticket.

Creates tickets through `ticket_create` (the service every channel uses) in rounds, alternating
between no triggers and 50 active `ticket.created` triggers whose conditions are evaluated on
every ticket (a mix of text, list and custom-field conditions). With `--match-every N` one
trigger in N matches and adds a tag, which measures the write path too (a ticket_update each);
by default none matches, which is the cost every ticket pays. Prints the median per-ticket time of each and the
difference. Target: ≤ 2 ms more per ticket.

    .venv/bin/python bench/bench_triggers.py [--database-url URL] [--tickets 200] [--rounds 5]

It migrates the database it is given and leaves the tickets it made; it refuses `atiende` and
`test_*` databases.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/atiende_h_rules"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--tickets", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--triggers", type=int, default=50)
    parser.add_argument("--match-every", type=int, default=0)
    args = parser.parse_args()
    name = args.database_url.rsplit("/", 1)[-1]
    if name in ("atiende", "") or name.startswith("test_"):
        sys.exit("refusing a non-bench database")
    os.environ.update(DATABASE_URL=args.database_url, DJANGO_SETTINGS_MODULE="atiende.settings.base")
    os.environ.pop("ATIENDE_ENV", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from atiende.accounts.models import Role, User
    from atiende.accounts.services import agent_create
    from atiende.automation.models import Event, Trigger
    from atiende.automation.selectors import triggers_changed
    from atiende.tickets.services import ticket_create

    agent = User.objects.filter(email="bench-triggers@example.mx").first() or agent_create(
        email="bench-triggers@example.mx", name="Bench Triggers", role=Role.ADMIN, password="x" * 20)

    def make(n: int, label: str) -> tuple[float, float, float]:
        """Wall ms, this process's CPU ms and SQL queries, per ticket. On a shared machine the CPU
        time is the steadier figure (other processes' load does not count); the query count shows
        whether triggers add round trips to the database."""
        queries = [0]

        def count(execute, sql, params, many, context):
            queries[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            start, cpu = time.perf_counter(), time.process_time()
            for i in range(n):
                ticket_create(actor=agent, subject=f"{label} {i} el sistema está lento", body="No carga la página de pagos",
                              requester_email=f"bench{i % 50}@cliente.mx", requester_name="Cliente Bench")
            wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        return wall / n * 1000, cpu / n * 1000, queries[0] / n

    def install(count: int) -> None:
        Trigger.objects.filter(name__startswith="bench ").delete()
        rules = []
        for i in range(count):
            match = args.match_every > 0 and i % args.match_every == 0
            rules.append(Trigger(
                name=f"bench {i}", event=Event.CREATED, position=i,
                conditions={"all": [
                    {"field": "subject", "op": "contains", "value": "LENTO" if match else f"caído {i}"},
                    {"field": "priority", "op": "in", "value": ["normal", "high"]},
                ], "any": [
                    {"field": "tags", "op": "not_contains", "value": f"nunca {i}"},
                    {"field": "cf.plan", "op": "is", "value": "oro"},
                ]},
                actions=[{"type": "add_tags", "value": [f"bench{i}"]}],
            ))
        Trigger.objects.bulk_create(rules)
        triggers_changed()

    make(20, "warm-up")
    without, with_rules = [], []
    for _ in range(args.rounds):
        install(0)
        without.append(make(args.tickets, "sin reglas"))
        install(args.triggers)
        with_rules.append(make(args.tickets, "con reglas"))
    # The triggers' own cost, without the rest of ticket creation around it: the hook's call on
    # one ticket, repeated (what every new ticket pays for the 50 triggers).
    from atiende.automation.services import run_triggers

    sample = ticket_create(actor=agent, subject="muestra el sistema está lento", body="x",
                           requester_email="bench0@cliente.mx", requester_name="Cliente Bench")
    start = time.perf_counter()
    for _ in range(2000):
        run_triggers(Event.CREATED, sample)
    direct = (time.perf_counter() - start) / 2000 * 1000
    install(0)
    print(f"run_triggers alone, {args.triggers} triggers, one ticket: {direct:.3f} ms per call (2000 calls)")
    what = "none matches" if not args.match_every else f"1 in {args.match_every} matches and adds a tag"
    for n, label in enumerate(("wall", "CPU ")):
        a, b = statistics.median(r[n] for r in without), statistics.median(r[n] for r in with_rules)
        print(f"{label}: no triggers {a:.2f} ms/ticket, {args.triggers} active triggers ({what}) {b:.2f} ms/ticket: "
              f"extra {b - a:+.2f} ms (target ≤ 2 ms; median of {args.rounds} rounds of {args.tickets})")
    qa, qb = statistics.median(r[2] for r in without), statistics.median(r[2] for r in with_rules)
    print(f"SQL queries per ticket: {qa:.1f} without, {qb:.1f} with triggers")

if __name__ == "__main__":
    main()
