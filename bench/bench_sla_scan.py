"""The SLA breach scan on the benchmark database (1M tickets): seconds per run.

Gives 100,000 open tickets (the most recent `new`/`open` ones) running first-response and
resolution clocks under one policy, plus a finished clock on each closed ticket (about 400,000) as history
the scan must never read. First-response deadlines are spread over the next two days and
resolution deadlines over the next ten, as a 4-hour / 2-day policy would leave them, so each
minute about 35 + 7 clocks come due and as many reach their warning.

It then runs `sla_scan` the way the periodic job does, once per simulated minute, and once after
a simulated hour of downtime (a backlog), and prints seconds per run with the number of warnings
and breaches acted on. Alert mails are queued on Redis (`--redis-url`), as in production, and
the queue is emptied afterwards. Target: ≤ 1 s per run.

    .venv/bin/python bench/bench_sla_scan.py [--database-url URL] [--open 100000] [--minutes 10]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/atiende_bench"


def main() -> None:
    args = parse_args()
    if args.database_url.rsplit("/", 1)[-1] in ("atiende", "") or "/test_" in args.database_url:
        sys.exit("refusing to write SLA clocks into a non-bench database")
    os.environ.update(DATABASE_URL=args.database_url, REDIS_URL=args.redis_url, DJANGO_SETTINGS_MODULE="atiende.settings.base")
    os.environ.pop("ATIENDE_ENV", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    from atiende.core import clock
    from atiende.sla.services.scan import sla_scan

    now = clock.now()
    load(args.open, now)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + pending_sql())
        plan = [row[0] for row in cursor.fetchall()]
    runs = []
    instant = now
    sla_scan(now=instant)  # anything already due at the start
    for _ in range(args.minutes):
        instant += timedelta(minutes=1)
        runs.append(timed(sla_scan, instant))
    idle = timed(sla_scan, instant)
    backlog = timed(sla_scan, instant + timedelta(hours=1))
    purge_queue(args.redis_url)

    per_minute = [seconds for seconds, _ in runs]
    report = {
        "open_tickets_with_clocks": args.open,
        "runs_per_minute": [{"seconds": round(s, 4), "warned": r.warned, "breached": r.breached} for s, r in runs],
        "per_minute_median_s": round(statistics.median(per_minute), 4),
        "per_minute_max_s": round(max(per_minute), 4),
        "idle_run_s": round(idle[0], 4),
        "backlog_after_1h": {"seconds": round(backlog[0], 3), "warned": backlog[1].warned, "breached": backlog[1].breached},
        "plan_of_the_due_query": plan,
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    out = ROOT / "bench" / "results" / "sla_scan.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/14", help="broker for the alert mails (emptied after)")
    p.add_argument("--open", type=int, default=100_000, help="open tickets given running clocks")
    p.add_argument("--minutes", type=int, default=10, help="periodic runs, one simulated minute apart")
    return p.parse_args()


def timed(scan, instant):
    started = time.perf_counter()
    result = scan(now=instant)
    return time.perf_counter() - started, result


def pending_sql() -> str:
    from atiende.core import clock
    from atiende.sla.services.scan import Alert, _pending

    sql, params = _pending(Alert.BREACH, clock.now())[:500].query.sql_with_params()
    return sql % tuple(f"'{p}'" if not isinstance(p, (int, float)) else p for p in params)


def load(open_tickets: int, now) -> None:
    """Replace the bench's SLA data: one policy, running clocks on open tickets, finished ones on closed."""
    from django.db import connection, transaction

    from atiende.accounts.models import User
    from atiende.sla.models import Calendar, Clock, Policy
    from atiende.sla.services.policies import policy_create
    from atiende.tickets.models import Ticket

    started = time.perf_counter()
    with transaction.atomic():
        Ticket.objects.filter(sla_policy__isnull=False).update(sla_policy=None, sla_due_at=None, sla_warn_at=None)
        Clock.objects.all().delete()
        Policy.objects.all().delete()
        always = Calendar.objects.get(name="24/7")
        admin = User.objects.filter(role="admin").first()
        policy = policy_create(actor=admin, name="Bench 4 h / 2 días", targets={
            "first_response": {"minutes": 240, "calendar": always.pk}, "resolution": {"minutes": 2880, "calendar": always.pk},
        })
    insert = """
        INSERT INTO sla_clock (ticket_id, policy_id, metric, calendar_id, target_minutes, state, started_at,
                               running_since, elapsed_minutes, due_at, warn_at, warned_at, breached_at,
                               stopped_at, business_minutes, result)
    """
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_open AS SELECT id FROM tickets_ticket "
                       "WHERE status IN ('new', 'open') ORDER BY id DESC LIMIT %s", [open_tickets])
        for metric, target, spread in (("first_response", 240, "2 days"), ("resolution", 2880, "10 days")):
            cursor.execute(
                insert + f"""
                SELECT o.id, %(policy)s, '{metric}', %(calendar)s, {target}, 'running', d.due - interval '{target} minutes',
                       d.due - interval '{target} minutes', 0, d.due, d.due - interval '{target // 4} minutes',
                       NULL, NULL, NULL, NULL, ''
                FROM bench_open o, LATERAL (SELECT %(now)s::timestamptz + random() * interval '{spread}' + o.id * interval '0') d(due)
                """,
                {"policy": policy.pk, "calendar": always.pk, "now": now},
            )
        cursor.execute(
            insert + """
            SELECT t.id, %(policy)s, 'first_response', %(calendar)s, 240, 'stopped', t.created_at, NULL, 60,
                   NULL, NULL, NULL, NULL, t.created_at + interval '1 hour', 60, 'met'
            FROM tickets_ticket t WHERE t.status = 'closed' ORDER BY t.id DESC LIMIT 500000
            """,
            {"policy": policy.pk, "calendar": always.pk},
        )
        cursor.execute("""
            UPDATE tickets_ticket t SET sla_policy_id = %(policy)s, sla_due_at = c.due, sla_warn_at = c.warn
            FROM (SELECT ticket_id, min(due_at) due, min(warn_at) warn FROM sla_clock WHERE state = 'running'
                  GROUP BY ticket_id) c
            WHERE t.id = c.ticket_id
        """, {"policy": policy.pk})
        cursor.execute("DROP TABLE bench_open")
        cursor.execute("ANALYZE sla_clock")
        cursor.execute("ANALYZE tickets_ticket")
        cursor.execute("SELECT state, count(*) FROM sla_clock GROUP BY state ORDER BY state")
        counts = dict(cursor.fetchall())
    print(f"loaded SLA clocks {counts} in {time.perf_counter() - started:.1f} s", file=sys.stderr)


def purge_queue(redis_url: str) -> None:
    import redis

    redis.Redis.from_url(redis_url).flushdb()


if __name__ == "__main__":
    main()
