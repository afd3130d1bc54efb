"""The maintenance pass over 100k plans: seconds per pass, target ≤ 2 s.

Seeds (once; a second run reuses them) this session's own database with `--plans` maintenance
plans (100k) on 10,000 customers' assets, in bulk (`INSERT … SELECT generate_series`), almost
all with their next visit weeks away. Each round makes `--due` of them (50: a busy day) due today
(daily plans with no lead time) and times `maintenance_pass()` — the scheduler's read of the
plans whose work opens by today (a partial index on `opens_on`), and for each due plan the lock,
the visit row, its ticket for the team through the ticket services (hooks included), the asset
link and the customer's notice — then a second pass with nothing due (the usual pass), and the
warranty reminder pass over the assets. Prints JSON with the load average.

    .venv/bin/python bench/bench_maintenance.py [--database-url URL] [--plans 100000] [--due 50] [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import common

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/atiende_h_maint"
CUSTOMERS = 10_000


def main() -> None:
    args = parse_args()
    common.django_on_own_database(args.database_url)
    seeded = seed(args.plans)
    report = {**seeded, **measure(args.due, args.rounds), "load_average": os.getloadavg()}
    common.publish("maintenance", report)


def seed(total: int) -> dict:
    from django.db import connection, transaction

    from atiende.accounts.models import Role, Team, User
    from atiende.accounts.services import agent_create
    from atiende.assets.models import Asset, Product
    from atiende.assets.services import product_create
    from atiende.customers.models import Customer
    from atiende.maintenance.models import MaintenancePlan

    started = time.perf_counter()
    admin = User.objects.filter(email="bench-admin@example.mx").first() or agent_create(
        email="bench-admin@example.mx", name="Bench", role=Role.ADMIN, password="bench-password-123")
    team = Team.objects.get_or_create(name="Mantenimiento")[0]
    product = Product.objects.filter(sku="BENCH-MANT").first() or product_create(
        actor=admin, name="Equipo de banco", kind="device", sku="BENCH-MANT", warranty_months=12, is_maintainable=True)
    if Customer.objects.count() < CUSTOMERS:
        Customer.objects.bulk_create([Customer(name=f"Cliente {n}") for n in range(CUSTOMERS)], batch_size=5_000)
    customers = list(Customer.objects.order_by("pk").values_list("pk", flat=True)[:CUSTOMERS])
    if Asset.objects.filter(product=product).count() < CUSTOMERS:
        Asset.objects.bulk_create([Asset(product=product, customer_id=pk, identifier=f"MANT-{pk}",
                                         purchased_on="2026-01-15") for pk in customers], batch_size=5_000,
                                  ignore_conflicts=True)
    assets = list(Asset.objects.filter(product=product).order_by("pk").values_list("pk", flat=True))
    have = MaintenancePlan.objects.count()
    if have < total:
        with transaction.atomic(), connection.cursor() as cursor:
            # Monthly or quarterly plans whose next visit is 10–90 days away: not due.
            cursor.execute("""
                INSERT INTO maintenance_maintenanceplan (name, asset_id, organization_id, contact_id, team_id, unit,
                    interval, rule, starts_on, lead_days, checklist, active, next_due_on, opens_on, created_by_id,
                    created_at, updated_at)
                SELECT 'Plan ' || n, (%(assets)s::bigint[])[1 + n %% %(nassets)s], NULL, NULL, %(team)s, 'month',
                       1 + n %% 3, '', current_date + 10 + n %% 80, 7, '["Limpiar", "Probar"]'::jsonb,
                       n %% 20 <> 0, current_date + 10 + n %% 80, current_date + 3 + n %% 80, NULL, now(), now()
                FROM generate_series(%(start)s, %(end)s) AS n
            """, {"assets": assets, "nassets": len(assets), "team": team.pk, "start": have + 1, "end": total})
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE maintenance_maintenanceplan")
    return {"plans": MaintenancePlan.objects.count(), "assets": len(assets),
            "seed_seconds": round(time.perf_counter() - started, 1)}


def _make_due(count: int, round_no: int) -> None:
    """`count` not-yet-visited plans become daily plans due today with no lead time."""
    from django.db import connection

    from atiende.maintenance.services import company_today

    today = company_today()  # the scheduler's day (company time zone), not the server's UTC date
    with connection.cursor() as cursor:
        cursor.execute("""
            UPDATE maintenance_maintenanceplan SET unit = 'day', interval = 1, starts_on = %(today)s,
                   next_due_on = %(today)s, opens_on = %(today)s, lead_days = 0
            WHERE id IN (SELECT id FROM maintenance_maintenanceplan p WHERE active AND opens_on > %(today)s
                         AND NOT EXISTS (SELECT 1 FROM maintenance_maintenancevisit v WHERE v.plan_id = p.id)
                         ORDER BY id LIMIT %(count)s OFFSET %(offset)s)
        """, {"today": today, "count": count, "offset": round_no * 997 % 50_000})


def measure(due: int, rounds: int) -> dict:
    from atiende.maintenance.models import MaintenanceVisit
    from atiende.maintenance.services import maintenance_pass, warranty_reminders_run

    _make_due(1, rounds + 1)
    maintenance_pass()  # whatever an earlier run left due; warms the connection and imports the hooks
    busy, quiet, reminders, opened = [], [], [], []
    for n in range(rounds):
        _make_due(due, n)
        before = MaintenanceVisit.objects.count()
        start = time.perf_counter()
        maintenance_pass()
        busy.append(time.perf_counter() - start)
        opened.append(MaintenanceVisit.objects.count() - before)
        start = time.perf_counter()
        maintenance_pass()
        quiet.append(time.perf_counter() - start)
        start = time.perf_counter()
        warranty_reminders_run()
        reminders.append(time.perf_counter() - start)

    def r(values: list[float]) -> float:
        return round(values, 4) if isinstance(values, float) else round(statistics.median(values), 4)

    return {"rounds": rounds, "due_per_round": due, "opened_per_round": opened,
            "pass_with_due_s_median": r(busy), "pass_with_due_s_max": round(max(busy), 4),
            "per_opened_visit_ms_median": round(statistics.median(busy) / max(due, 1) * 1000, 1),
            "pass_nothing_due_s_median": r(quiet), "pass_nothing_due_s_max": round(max(quiet), 4),
            "reminder_pass_s_median": r(reminders), "target_s": 2.0, "meets_target": max(busy) <= 2.0}


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    p.add_argument("--plans", type=int, default=100_000)
    p.add_argument("--due", type=int, default=50)
    p.add_argument("--rounds", type=int, default=5)
    return p.parse_args()


if __name__ == "__main__":
    main()
