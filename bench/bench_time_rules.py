"""A time-rule pass over the benchmark database (1M tickets): seconds per pass.

Installs three time rules like the issue's ("waiting on the customer 3 business days → reminder",
"… 7 business days → solve", "new and unassigned 30 minutes → note"), on the office calendar
(Mexico City hours and holidays). It leaves the database as the scheduled passes before would
have, one minute ago: every ticket that qualified then marked as fired (one INSERT … SELECT), and
each rule's watermark at that pass's cutoff. Then `--due` tickets become due within the minute
(their last update 30½ minutes ago, new and unassigned), and it times `time_rules_run` — the
steady state the scheduler sees each minute: read what became due since the last pass through
the indexes, act on it. A second pass right after shows it is safe to run twice. With `--cold`
it also times a pass with the watermarks cleared (a rule just created or edited walks every
qualifying ticket once). Target: ≤ 2 s per pass.

    .venv/bin/python bench/bench_time_rules.py [--database-url URL] [--due 20] [--cold]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/atiende_bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--due", type=int, default=20)
    parser.add_argument("--cold", action="store_true")
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
    from atiende.automation.models import RuleRun, TimeRule
    from atiende.automation.services import business_cutoff, time_rule_candidates, time_rules_run
    from atiende.core import clock
    from atiende.sla.models import Calendar
    from atiende.tickets.models import Ticket

    now = clock.now()
    office = Calendar.objects.get(name="Horario de oficina (CDMX)")
    TimeRule.objects.filter(name__startswith="bench ").delete()
    rules = [
        TimeRule.objects.create(name="bench reminder", status="pending_customer", after_minutes=3 * 9 * 60, calendar=office,
                                actions=[{"type": "note", "value": "Recordatorio para {{ customer.first_name }}"}]),
        TimeRule.objects.create(name="bench solve", status="pending_customer", after_minutes=7 * 9 * 60, calendar=office,
                                actions=[{"type": "note", "value": "Cerrado por inactividad"}]),
        TimeRule.objects.create(name="bench unassigned", status="new", after_minutes=30,
                                conditions={"all": [{"field": "assignee", "op": "is_empty"}]},
                                actions=[{"type": "note", "value": "Sin asignar 30 minutos"}]),
    ]
    previous = now - timedelta(minutes=1)  # the last scheduled pass
    start = time.perf_counter()
    for rule in rules:
        sql, params = time_rule_candidates(rule, previous).values("id").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO automation_rulerun (time_rule_id, ticket_id, outcome, detail, created_at) "
                           f"SELECT %s, id, 'applied', 'bench', now() FROM ({sql}) AS due", [rule.pk, *params])
        TimeRule.objects.filter(pk=rule.pk).update(swept_until=business_cutoff(rule, previous), swept_at=previous)
    marked = RuleRun.objects.filter(time_rule__in=rules).count()
    print(f"marked {marked:,} already-fired (rule, ticket) pairs in {time.perf_counter() - start:.1f} s")
    fresh = list(Ticket.objects.filter(status="new", assignee__isnull=True).exclude(
        pk__in=RuleRun.objects.filter(time_rule=rules[2]).values("ticket_id")).order_by("-id")[: args.due])
    Ticket.objects.filter(pk__in=[t.pk for t in fresh]).update(updated_at=now - timedelta(minutes=30, seconds=30))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE automation_rulerun")
        rules[0].refresh_from_db()
        sql, params = time_rule_candidates(rules[0], now, since_last_pass=True).order_by(
            "-updated_at", "-id").values_list("updated_at", "id")[:500].query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = [row[0] for row in cursor.fetchall()]
    total = Ticket.objects.count()
    first = time.perf_counter()
    fired = time_rules_run(now=now)
    first = time.perf_counter() - first
    again = time.perf_counter()
    fired_again = time_rules_run(now=now)
    again = time.perf_counter() - again
    print(f"tickets in the database: {total:,}")
    print(f"time-rule pass (3 rules): {first:.3f} s, fired {fired} (target ≤ 2 s)")
    print(f"the same pass again:      {again:.3f} s, fired {fired_again}")
    if args.cold:
        TimeRule.objects.filter(pk__in=[r.pk for r in rules]).update(swept_until=None, swept_at=None)
        cold = time.perf_counter()
        fired_cold = time_rules_run(now=now)
        print(f"a pass with the watermarks cleared (rules just created or edited): {time.perf_counter() - cold:.3f} s, "
              f"fired {fired_cold}")
    print("plan of one rule's candidate query:")
    print("\n".join("  " + line for line in plan))
    RuleRun.objects.filter(time_rule__in=rules).delete()
    TimeRule.objects.filter(pk__in=[r.pk for r in rules]).delete()


if __name__ == "__main__":
    main()
