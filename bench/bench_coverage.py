"""Coverage lookup for a ticket's assets with 1M assets: p50/p95/p99 in milliseconds.

Seeds (once; a second run reuses them) this session's own database with `--assets` assets (1M)
spread over 20,000 customers and eight products, one in ten with an extended warranty, in bulk
(`INSERT … SELECT generate_series` on PostgreSQL), and 300 tickets each linked to 1–5 assets of
its requester. Then it times what the ticket page's "linked products" box runs —
`assets.selectors.assets_of_ticket` (the linked assets, their products and warranties, and the
coverage arithmetic) — as an agent, over `--lookups` random tickets. Target: p95 ≤ 5 ms.

    .venv/bin/python bench/bench_coverage.py [--database-url URL] [--assets 1000000] [--lookups 3000]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time

import common

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/atiende_h_assets"
CUSTOMERS = 20_000
TICKETS = 300


def main() -> None:
    args = parse_args()
    common.django_on_own_database(args.database_url)
    seeded = seed(args.assets)
    report = {"assets": seeded["assets"], "warranties": seeded["warranties"], "tickets": seeded["tickets"],
              "seed_seconds": seeded["seconds"], **measure(args.lookups), "load_average": os.getloadavg()}
    common.publish("coverage", report)


def seed(total: int) -> dict:
    from django.db import connection, transaction

    from atiende.accounts.models import Role
    from atiende.accounts.services import agent_create
    from atiende.assets.models import Asset, AssetLink, Product, Warranty
    from atiende.assets.services import product_create
    from atiende.customers.models import Customer
    from atiende.tickets.services import ticket_create

    started = time.perf_counter()
    admin = agent_create(email="bench-admin@example.mx", name="Bench", role=Role.ADMIN, password="bench-password-123") \
        if not _user_exists("bench-admin@example.mx") else _user("bench-admin@example.mx")
    if not Product.objects.exists():
        for n, (kind, months) in enumerate([("device", 12), ("domain", 12), ("hosting_plan", 12), ("certificate", 12),
                                            ("software_licence", 12), ("device", 24), ("service", 0), ("device", 36)]):
            product_create(actor=admin, name=f"Producto {n}", kind=kind, sku=f"BENCH-{n}", warranty_months=months)
    products = list(Product.objects.order_by("pk").values_list("pk", flat=True))
    if Customer.objects.count() < CUSTOMERS:
        Customer.objects.bulk_create([Customer(name=f"Cliente {n}") for n in range(CUSTOMERS)], batch_size=5_000)
    customers = list(Customer.objects.order_by("pk").values_list("pk", flat=True)[:CUSTOMERS])
    have = Asset.objects.count()
    if have < total:
        with transaction.atomic(), connection.cursor() as cursor:
            # Purchases over the last five years; owners and products by arithmetic on the row number.
            cursor.execute("""
                INSERT INTO assets_asset (product_id, customer_id, organization_id, identifier, purchased_on, order_ref,
                                          installation_address, status, attributes, created_at, updated_at)
                SELECT (%(products)s::bigint[])[1 + n %% %(nproducts)s], %(first)s + (n %% %(ncustomers)s), NULL,
                       'SN-' || lpad(n::text, 9, '0'), current_date - (n %% 1825), '', '', 'active', '{}'::jsonb,
                       now(), now()
                FROM generate_series(%(start)s, %(end)s) AS n
            """, {"products": products, "nproducts": len(products), "first": customers[0], "ncustomers": CUSTOMERS,
                  "start": have + 1, "end": total})
            # One asset in ten gets an extended warranty of two years from its standard end.
            cursor.execute("""
                INSERT INTO assets_warranty (asset_id, kind, starts_on, ends_on, covers, excludes, created_at)
                SELECT id, 'extended', purchased_on + 365, purchased_on + 1095, '', '', now()
                FROM assets_asset WHERE id % 10 = 0 AND id > (SELECT coalesce(max(asset_id), 0) FROM assets_warranty)
            """)
        # What autovacuum would do soon after a bulk load: without it the planner probes a million
        # not-yet-visible index entries and planning alone takes 15-70 ms.
        with connection.cursor() as cursor:
            for table in ("assets_asset", "assets_warranty", "assets_assetlink"):
                cursor.execute(f"VACUUM ANALYZE {table}")
    tickets = AssetLink.objects.values("ticket_id").distinct().count()
    if tickets < TICKETS:
        rng = random.Random(15)
        for n in range(TICKETS - tickets):
            owner = Customer.objects.get(pk=rng.choice(customers))
            ticket = ticket_create(actor=admin, subject=f"Falla {n}", body="No enciende", requester=owner)
            owned = list(Asset.objects.filter(customer=owner).values_list("pk", flat=True)[:5])
            AssetLink.objects.bulk_create([AssetLink(ticket=ticket, asset_id=pk) for pk in owned[: rng.randint(1, 5)]])
    return {"assets": Asset.objects.count(), "warranties": Warranty.objects.count(),
            "tickets": AssetLink.objects.values("ticket_id").distinct().count(),
            "seconds": round(time.perf_counter() - started, 1)}


def _user_exists(email: str) -> bool:
    from atiende.accounts.models import User

    return User.objects.filter(email=email).exists()


def _user(email: str):
    from atiende.accounts.models import User

    return User.objects.get(email=email)


def measure(lookups: int) -> dict:
    from atiende.assets.models import AssetLink
    from atiende.assets.selectors import assets_of_ticket
    from atiende.tickets.models import Ticket

    agent = _user("bench-admin@example.mx")
    tickets = list(Ticket.objects.filter(pk__in=AssetLink.objects.values("ticket_id")))
    rng = random.Random(7)
    for ticket in tickets[:50]:  # warm the connection and the caches
        assets_of_ticket(user=agent, ticket=ticket)
    samples, cpu, linked = [], [], []
    for _ in range(lookups):
        ticket = rng.choice(tickets)
        start, start_cpu = time.perf_counter(), time.process_time()
        found = assets_of_ticket(user=agent, ticket=ticket)
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)  # this process's CPU: the part load cannot inflate
        linked.append(len(found))
    samples.sort()
    cpu.sort()

    def pct(values: list[float], p: float) -> float:
        return round(values[min(len(values) - 1, int(p * len(values)))], 3)

    return {"lookups": lookups, "assets_per_ticket_mean": round(statistics.mean(linked), 2),
            "p50_ms": pct(samples, 0.50), "p95_ms": pct(samples, 0.95), "p99_ms": pct(samples, 0.99),
            "max_ms": round(samples[-1], 3), "client_cpu_p50_ms": pct(cpu, 0.50), "client_cpu_p95_ms": pct(cpu, 0.95),
            "target_p95_ms": 5.0, "meets_target": pct(samples, 0.95) <= 5.0}


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    p.add_argument("--assets", type=int, default=1_000_000)
    p.add_argument("--lookups", type=int, default=3_000)
    return p.parse_args()


if __name__ == "__main__":
    main()
