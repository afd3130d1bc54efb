"""The reports' summary for one month over a large database: p50/p95 in milliseconds. Target: p95 ≤ 500 ms.

Seeds (once; a second run reuses them) this session's own PostgreSQL database with `--tickets`
tickets (1M) over two years, in 20 teams, 100 agents, 2,000 organizations on three plans, five
channels, and each ticket's report row (`metrics.TicketFact`, what the event record keeps current):
95 % answered (first response from minutes to two days), 97 % of the tickets older than a week
solved with an outcome (3 % not solved), 1 % reopened and open again, 4 % reopened and re-solved,
a rating on 20 % of the solved, SLA clocks met or breached. The rows are generated in SQL, not by
replaying events through the hooks (that would take hours at 1M): the report reads only these
rows, so the read measured is the one the product does.

Then it times, as a supervisor, the summary of the last whole month in Mexico City time, as the
API and the CSV run it (`reporting.selectors.report_summary`, the previous month for comparison,
the rows serialized), once per `group_by` (none and all eight) in turn; and the reports page's
read (the same plus the per-day series and the hour-of-week arrivals) grouped by team.

    .venv/bin/python bench/bench_reports.py [--database-url URL] [--tickets 1000000] [--runs 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import common

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/atiende_h_reports"
GROUPS = ["", "team", "agent", "channel", "organization", "segment", "plan", "product", "outcome"]


def main() -> None:
    args = parse_args()
    common.django_on_own_database(args.database_url)
    seeded = seed(args.tickets)
    report = {**seeded, **measure(args.runs), "load_average": [round(x, 2) for x in os.getloadavg()]}
    common.publish("reports", report)


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--database-url", default=os.environ.get("BENCH_REPORTS_DATABASE_URL", DEFAULT_URL))
    p.add_argument("--tickets", type=int, default=1_000_000)
    p.add_argument("--runs", type=int, default=30)
    return p.parse_args()


def seed(tickets: int) -> dict:
    from django.db import connection

    from atiende.accounts.models import Role, Team, User
    from atiende.accounts.services import agent_create
    from atiende.customers.models import SupportPlan
    from atiende.customers.services import customer_create
    from atiende.metrics.models import TicketFact
    from atiende.tickets.models import Ticket

    existing = TicketFact.objects.count()
    if existing >= tickets:
        return {"tickets": Ticket.objects.count(), "report_rows": existing, "seed_seconds": 0.0}
    started = time.perf_counter()
    agent_create(email="sup-reports@example.mx", name="Supervisora", role=Role.SUPERVISOR, password="x" * 20)
    teams = [Team.objects.create(name=f"Equipo {n}").pk for n in range(20)]
    agents = [user.pk for user in User.objects.bulk_create(  # no password: hashing 100 of them is the slow part
        [User(email=f"agente{n}@example.mx", name=f"Agente {n}", kind="agent", role=Role.AGENT) for n in range(100)])]
    plans = [SupportPlan.objects.create(name=name).pk for name in ("Básico", "Profesional", "Empresarial")]
    customer = customer_create(name="Cliente bench", identities={"email": "cliente-reports@example.mx"})
    team_array, agent_array = "ARRAY[" + ",".join(map(str, teams)) + "]", "ARRAY[" + ",".join(map(str, agents)) + "]"
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO customers_organization (name, segment, support_plan_id, notes, created_at)
            SELECT 'Organización ' || g, (ARRAY['individual','pyme','enterprise'])[1 + g % 3],
                   (ARRAY[{plans[0]},{plans[1]},{plans[2]}])[1 + g % 3], '', now()
            FROM generate_series(1, 2000) g""")
        cursor.execute("SELECT min(id) FROM customers_organization WHERE name LIKE 'Organización %%'")
        first_org = cursor.fetchone()[0]
        cursor.execute(f"""
            INSERT INTO tickets_ticket (number, subject, status, priority, type, channel, custom_fields, created_at,
                                        updated_at, requester_id, sla_paused, team_id, organization_id)
            SELECT 10000 + g, 'Pedido ' || g, 'closed', 'normal', 'question',
                   (ARRAY['email','email','email','portal','chat','phone','whatsapp'])[1 + g % 7], '{{}}'::jsonb,
                   now() - (g * interval '1 second' * (2 * 365 * 86400 / {tickets})),
                   now() - (g * interval '1 second' * (2 * 365 * 86400 / {tickets})), {customer.pk}, false,
                   CASE WHEN g % 33 = 0 THEN NULL ELSE ({team_array})[1 + (g * 7) % 20] END,
                   {first_org} + (g * 13) % 2000
            FROM generate_series(1, {tickets}) g""")
        # Each ticket's report row: durations from a deterministic hash of the id.
        cursor.execute(f"""
            INSERT INTO metrics_ticketfact (ticket_id, created_epoch, channel, team_id, agent_id, organization_id,
                segment, plan_id, product_id, outcome, first_reply_epoch, first_reply_seconds,
                first_reply_business_seconds, solved_epoch, solve_seconds, solve_business_seconds, reopens, open_again,
                first_contact, negative_answer, rating, rated_epoch, sla_met, sla_breached)
            SELECT t.id, created, t.channel, t.team_id, ({agent_array})[1 + (t.id * 31) % 100], t.organization_id,
                   o.segment, o.support_plan_id, NULL,
                   CASE WHEN solved THEN (CASE WHEN t.id % 33 = 0 THEN 'not_solved'
                                               WHEN t.id % 9 = 0 THEN 'workaround' ELSE 'solved' END) ELSE '' END,
                   CASE WHEN answered THEN created + first_s END,
                   CASE WHEN answered THEN first_s END, CASE WHEN answered THEN first_s / 3 END,
                   CASE WHEN solved THEN created + solve_s END,
                   CASE WHEN solved THEN solve_s END, CASE WHEN solved THEN solve_s / 3 END,
                   CASE WHEN t.id % 20 = 0 THEN 1 ELSE 0 END, solved AND t.id % 100 = 0,
                   solved AND t.id % 20 <> 0 AND t.id % 3 = 0, solved AND t.id % 50 = 0,
                   CASE WHEN solved AND t.id % 5 = 0 THEN 1 + (t.id * 7) % 5 END,
                   CASE WHEN solved AND t.id % 5 = 0 THEN created + solve_s + 3600 END,
                   CASE WHEN solved AND t.id % 7 <> 0 THEN 1 ELSE 0 END, CASE WHEN solved AND t.id % 7 = 0 THEN 1 ELSE 0 END
            FROM tickets_ticket t
            JOIN customers_organization o ON o.id = t.organization_id
            CROSS JOIN LATERAL (SELECT extract(epoch FROM t.created_at)::bigint AS created,
                                       (t.id * 7919) % 600 + (t.id % 17) * ((t.id * 104729) % 10000) AS first_s,
                                       3600 + (t.id * 15485863::bigint) % 400000 AS solve_s,
                                       t.id % 20 <> 7 AS answered) d
            CROSS JOIN LATERAL (SELECT t.created_at + solve_s * interval '1 second' < now()
                                       AND t.id % 40 <> 3 AS solved) s
            WHERE t.requester_id = {customer.pk}""")
        # What autovacuum does to a table after a million inserts: statistics and the visibility map
        # (index-only scans skip the heap only for pages it marks all-visible).
        cursor.execute("VACUUM ANALYZE")
    return {"tickets": Ticket.objects.count(), "report_rows": TicketFact.objects.count(),
            "seed_seconds": round(time.perf_counter() - started, 1)}


def measure(runs: int) -> dict:
    from datetime import date, timedelta

    from django.http import QueryDict

    from atiende.accounts.models import User
    from atiende.core import clock
    from atiende.reporting.exports import summary_csv, summary_record
    from atiende.reporting.selectors import report_summary

    viewer = User.objects.get(email="sup-reports@example.mx")
    today = clock.now().date()
    last = date(today.year, today.month, 1) - timedelta(days=1)
    first = date(last.year, last.month, 1)

    def once(group_by: str, *, page: bool) -> tuple[float, int, int]:
        query = QueryDict(mutable=True)
        query.update({"since": first.isoformat(), "until": last.isoformat(), "group_by": group_by})
        started = time.perf_counter()
        found = report_summary(viewer=viewer, query=query, series=page)
        records = [summary_record(row) for row in [*found.rows, found.total, found.previous]]
        summary_csv(found)
        return (time.perf_counter() - started) * 1000, len(records), found.total.created

    once("team", page=False)  # connections, imports
    api = sorted(once(GROUPS[n % len(GROUPS)], page=False)[0] for n in range(runs))
    page = sorted(once("team", page=True)[0] for _ in range(max(5, runs // 3)))
    _ms, rows, created = once("team", page=False)
    return {
        "month": f"{first}..{last}", "created_in_month": created, "rows_by_team": rows,
        "api_ms": {"p50": round(statistics.median(api), 1), "p95": round(api[int(0.95 * (len(api) - 1))], 1)},
        "page_ms": {"p50": round(statistics.median(page), 1), "p95": round(page[int(0.95 * (len(page) - 1))], 1)},
        "runs": runs,
    }


if __name__ == "__main__":
    main()
