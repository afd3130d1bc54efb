"""A notice to 10,000 customers: seconds to queue it, target ≤ 30 s.

"Queued" is what `notice_send` does before it returns: the audience read (10,000 customers, the
channel each prefers and their email addresses), one NoticeRecipient row per customer, the audit entry, and the send
batches handed to the real broker (Redis, `--broker`) after the commit — 100 tasks of 100
recipients. Nothing is sent: no worker consumes the queue, which is emptied afterwards.

Seeds (once; a second run reuses them) an organization of `--customers` customers with one email
each, in bulk, then times `--rounds` notices. SQLite (a fresh file in a temporary directory) by
default, or this session's own PostgreSQL database with `--database-url`. Prints JSON.

    .venv/bin/python bench/bench_notices.py [--database-url URL] [--broker redis://127.0.0.1:6379/4]
        [--customers 10000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORG = "Bench: notices"


def main() -> None:
    args = parse_args()
    if args.database_url:
        name = args.database_url.rsplit("/", 1)[-1].split("?")[0]
        if name in ("atiende", "test_atiende", "") or not args.database_url.startswith("postgres"):
            sys.exit("refusing: give this session's own PostgreSQL database (never `atiende`)")
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["ATIENDE_DATA_DIR"] = tempfile.mkdtemp(prefix="atiende-bench-notices-")
    os.environ.update(DJANGO_SETTINGS_MODULE="atiende.settings.base", REDIS_URL=args.broker)
    os.environ.pop("ATIENDE_ENV", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    seed(args.customers)
    report = {"database": "postgresql" if args.database_url else "sqlite", "customers": args.customers,
              **measure(args.rounds), "load_average": os.getloadavg()}
    print(json.dumps(report, indent=2))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/4")
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    return parser.parse_args()


def seed(size: int) -> None:
    from atiende.customers.models import Customer, Identity, IdentityKind, Organization, Segment

    org, _created = Organization.objects.get_or_create(name=ORG, defaults={"segment": Segment.INDIVIDUAL})
    have = Customer.objects.filter(organization=org).count()
    if have >= size:
        return
    # A third prefer WhatsApp and a third Telegram: the send asks those channels first (no number or
    # bot is connected here, so they fall back to email, as a customer nothing else reaches does).
    Customer.objects.bulk_create([Customer(name=f"Cliente {n:05d}", organization=org,
                                           preferred_channel=("", "whatsapp", "telegram")[n % 3])
                                  for n in range(have, size)], batch_size=2000)
    missing = Customer.objects.filter(organization=org, identities=None).values_list("pk", flat=True)
    Identity.objects.bulk_create([Identity(customer_id=pk, kind=IdentityKind.EMAIL, value=f"c{pk}@bench.example.mx",
                                           is_primary=True) for pk in missing], batch_size=2000)


def measure(rounds: int) -> dict:
    import redis
    from django.conf import settings

    from atiende.accounts.models import Role, User
    from atiende.accounts.services import agent_create
    from atiende.customers.models import Organization
    from atiende.notices.models import NoticeRecipient
    from atiende.notices.services import notice_create, notice_send

    assert not settings.CELERY_TASK_ALWAYS_EAGER, "the bench queues on the real broker"
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    broker.delete(queue)
    supervisor = (User.objects.filter(email="bench-notices@example.mx").first()
                  or agent_create(email="bench-notices@example.mx", name="Bench", role=Role.SUPERVISOR))
    org = Organization.objects.get(name=ORG)
    seconds, tasks = [], []
    for number in range(rounds):
        notice = notice_create(actor=supervisor, subject=f"Aviso {number}", body="Hola, {{ customer.greeting_name }}.",
                               language="es", audience="organization", organization=org)
        began = time.perf_counter()
        queued = notice_send(actor=supervisor, notice=notice)
        seconds.append(time.perf_counter() - began)
        tasks.append(broker.llen(queue))
        assert NoticeRecipient.objects.filter(notice=notice).count() == queued
        broker.delete(queue)
    worst = max(seconds)
    return {"recipients_queued": queued, "tasks_enqueued": tasks, "seconds": [round(s, 3) for s in seconds],
            "median_seconds": round(statistics.median(seconds), 3),
            "verdict": f"worst {worst:.2f} s (target ≤ 30 s: {'met' if worst <= 30 else 'NOT MET'})"}


if __name__ == "__main__":
    main()
