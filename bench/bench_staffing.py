"""The staffing table for a week: p50/p95 in milliseconds. Target: ≤ 100 ms.

Seeds (once; a second run reuses them) this session's own PostgreSQL database with `--tickets`
tickets (1M) over two years — the last ten weeks with a helpdesk's hour-of-week shape and growth,
on email, portal, chat, phone and WhatsApp — two messages per ticket (the agent's answer a few
minutes after the previous one), and answered calls for the last month. Then it times, as a
supervisor, `reporting.selectors.staffing_plan` (history read, forecast per channel, Erlang C or
backlog per hour, shrinkage) plus the rows the page and the CSV print:

- cold: the history not in the cache (the first request of an hour: the grouped arrivals query
  over eight weeks and the handling-time reads);
- warm: the history kept (every later request: a target changed, the CSV).

    .venv/bin/python bench/bench_staffing.py [--database-url URL] [--tickets 1000000] [--runs 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import common

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/atiende_h_staffing"


def main() -> None:
    args = parse_args()
    common.django_on_own_database(args.database_url)
    seeded = seed(args.tickets)
    report = {**seeded, **measure(args.runs), "load_average": [round(x, 2) for x in os.getloadavg()]}
    common.publish("staffing", report)


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--database-url", default=os.environ.get("BENCH_STAFFING_DATABASE_URL", DEFAULT_URL))
    p.add_argument("--tickets", type=int, default=1_000_000)
    p.add_argument("--runs", type=int, default=30)
    return p.parse_args()


def seed(tickets: int) -> dict:
    from django.db import connection

    from atiende.accounts.models import Role
    from atiende.accounts.services import agent_create
    from atiende.customers.services import customer_create
    from atiende.tickets.models import Ticket

    existing = Ticket.objects.count()
    if existing >= tickets:
        return {"tickets": existing, "seed_seconds": 0.0}
    started = time.perf_counter()
    agent = agent_create(email="sup-bench@example.mx", name="Supervisora", role=Role.SUPERVISOR, password="x" * 20)
    customer = customer_create(name="Cliente bench", identities={"email": "cliente-bench@example.mx"})
    recent = tickets // 10  # the last ten weeks hold a tenth of the tickets: ~10,000 a week at 1M
    with connection.cursor() as cursor:
        # Older tickets, spread evenly over two years before the last ten weeks.
        cursor.execute(f"""
            INSERT INTO tickets_ticket (number, subject, status, priority, type, channel, custom_fields, created_at,
                                        updated_at, requester_id, sla_paused)
            SELECT 10000 + g, 'Pedido ' || g, 'closed', 'normal', 'question',
                   (ARRAY['email','email','email','portal','chat','phone','whatsapp','api'])[1 + g % 8], '{{}}'::jsonb,
                   now() - interval '10 weeks' - (g * interval '1 second' * (2 * 365 * 86400 / {tickets - recent})),
                   now() - interval '10 weeks', {customer.pk}, false
            FROM generate_series(1, {tickets - recent}) g""")
        # The last ten weeks: weekday office hours busy, nights and weekends quiet, +2 % a week.
        cursor.execute(f"""
            INSERT INTO tickets_ticket (number, subject, status, priority, type, channel, custom_fields, created_at,
                                        updated_at, requester_id, sla_paused)
            SELECT 10000 + {tickets - recent} + g, 'Pedido reciente ' || g, 'open', 'normal', 'question',
                   (ARRAY['email','email','email','portal','chat','chat','phone','phone','whatsapp'])[1 + g % 9],
                   '{{}}'::jsonb, t, t, {customer.pk}, false
            FROM generate_series(1, {recent}) g
            CROSS JOIN LATERAL (SELECT date_trunc('week', now()) - interval '10 weeks'
                + (floor(power(g::float8 / {recent}, 0.9) * 10 * 7))::int * interval '1 day'
                + (9 + (g * 7919) % 10) * interval '1 hour' + ((g * 31) % 3600) * interval '1 second'
                + CASE WHEN g % 11 = 0 THEN ((g * 13) % 9 + 15) * interval '1 hour' ELSE interval '0' END AS t) w""")
        cursor.execute(f"""
            INSERT INTO tickets_message (kind, author_kind, channel, body_text, body_html, created_at,
                                         author_customer_id, author_user_id, ticket_id, unverified_sender)
            SELECT 'public', CASE WHEN k = 1 THEN 'customer' ELSE 'agent' END, t.channel, 'Texto', '',
                   t.created_at + (k - 1) * ((t.id % 9) + 2) * interval '1 minute',
                   CASE WHEN k = 1 THEN {customer.pk} END, CASE WHEN k = 1 THEN {customer.user_id} ELSE {agent.pk} END,
                   t.id, false
            FROM tickets_ticket t CROSS JOIN generate_series(1, 2) k""")
        cursor.execute("""
            INSERT INTO calls_call (phone, direction, state, outcome, started_at, answered_at, duration_seconds, notes,
                                    external_id, extension, created_at, updated_at)
            SELECT '+5215500000000', 'inbound', 'ended', 'answered', t, t, 120 + (g * 37) % 600, '', 'bench-' || g, '',
                   t, t
            FROM generate_series(1, 20000) g
            CROSS JOIN LATERAL (SELECT now() - (g * interval '2 minutes') AS t) w""")
        cursor.execute("ANALYZE")
    return {"tickets": Ticket.objects.count(), "seed_seconds": round(time.perf_counter() - started, 1)}


def measure(runs: int) -> dict:
    from django.core.cache import cache

    from atiende.accounts.models import User
    from atiende.reporting.exports import plan_rows
    from atiende.reporting.inputs import Targets
    from atiende.reporting.selectors import staffing_plan

    viewer = User.objects.get(email="sup-bench@example.mx")

    def once(*, cold: bool) -> float:
        if cold:
            cache.clear()
        started = time.perf_counter()
        plan = staffing_plan(viewer=viewer, targets=Targets(service_level=0.8, target_seconds=20, shrinkage=0.3))
        rows = list(plan_rows(plan))
        elapsed = (time.perf_counter() - started) * 1000
        assert len(rows) == 168 * len(plan.channels) and plan.channels
        return elapsed

    once(cold=True)  # connections, imports
    cold = sorted(once(cold=True) for _ in range(runs))
    warm = sorted(once(cold=False) for _ in range(runs))
    plan = staffing_plan(viewer=viewer, targets=Targets())
    return {
        "channels": [c.channel for c in plan.channels],
        "weekly_forecast": {c.channel: round(c.forecast.level) for c in plan.channels},
        "cold_ms": {"p50": round(statistics.median(cold), 1), "p95": round(cold[int(0.95 * (runs - 1))], 1)},
        "warm_ms": {"p50": round(statistics.median(warm), 1), "p95": round(warm[int(0.95 * (runs - 1))], 1)},
        "runs": runs,
    }


if __name__ == "__main__":
    main()
