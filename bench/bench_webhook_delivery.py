"""Outbound webhook delivery from one worker: signed posts to a local receiver, each logged.

Target (issue 14): >= 200 deliveries/s to a local receiver from one worker. It prepares its own
database (migrate, one subscription), inserts `--deliveries` pending deliveries of a real ticket
payload, starts a receiver on 127.0.0.1 in another process (HTTP/1.1, kept alive, answers 200),
then runs the worker's job body (`webhooks.deliver`, chunks of 50, one thread) over all of them,
3 rounds, median reported. Each delivery is: the claim (an UPDATE), the signed POST, the attempt
row, the delivery's update and the subscription's streak check. It checks every delivery was
delivered and the receiver got each once.

    .venv/bin/python bench/bench_webhook_delivery.py                       # SQLite in a temp dir
    .venv/bin/python bench/bench_webhook_delivery.py --database-url postgres://postgres@127.0.0.1:5432/atiende_h_webhooks_bench
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def serve(port_queue, counter) -> None:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):  # noqa: N802
            self.rfile.read(int(self.headers["Content-Length"]))
            with counter.get_lock():
                counter.value += 1
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port_queue.put(server.server_address[1])
    server.serve_forever()


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="")
    parser.add_argument("--deliveries", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("ATIENDE_DATA_DIR", tempfile.mkdtemp(prefix="atiende-bench-webhooks-"))
    os.environ.setdefault("SECRET_KEY", "bench-" + "k" * 60)
    os.environ["WEBHOOK_ALLOW_PRIVATE_NETWORKS"] = "true"
    os.environ["JOBS_IN_BACKGROUND_THREAD"] = "false"
    os.environ.pop("REDIS_URL", None)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "atiende.settings.base"

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from atiende.accounts.models import Role, User
    from atiende.accounts.services import agent_create
    from atiende.core import clock
    from atiende.customers.services import customer_create
    from atiende.tickets.services import ticket_create
    from atiende.webhooks import payloads
    from atiende.webhooks.models import Delivery, Subscription
    from atiende.webhooks.services import subscription_create
    from atiende.webhooks.tasks import deliver

    port_queue, counter = multiprocessing.Queue(), multiprocessing.Value("i", 0)
    receiver = multiprocessing.Process(target=serve, args=(port_queue, counter), daemon=True)
    receiver.start()
    port = port_queue.get(timeout=10)

    admin = User.objects.filter(email="bench-admin@example.mx").first() or agent_create(
        email="bench-admin@example.mx", name="Bench Admin", role=Role.ADMIN, password="bench password 123")
    Subscription.objects.all().delete()
    subscription = subscription_create(actor=admin, url=f"http://127.0.0.1:{port}/hooks", events=["ticket.created"],
                                       secret="whsec_bench_0123456789")
    customer = customer_create(name="Ana Bench", identities={"email": f"ana-{time.time_ns()}@bench.mx"})
    ticket = ticket_create(actor=customer.user, subject="¿Dónde está mi pedido?", body="Hola, mi pedido no llega.")
    data = {"ticket": payloads.ticket_part(ticket)}

    rates: list[float] = []
    per_cpu: list[float] = []
    for _round in range(args.rounds):
        Delivery.objects.all().delete()
        now = clock.now()
        rows = []
        for _n in range(args.deliveries):
            delivery = Delivery(subscription=subscription, event="ticket.created", ticket_id=ticket.pk, created_at=now,
                                next_attempt_at=now, body="")
            delivery.body = payloads.body(delivery_id=str(delivery.public_id), event="ticket.created",
                                          created_at=now, data=data)
            rows.append(delivery)
        Delivery.objects.bulk_create(rows, batch_size=500)
        ids = list(Delivery.objects.order_by("pk").values_list("pk", flat=True))
        before = counter.value
        started, cpu = time.perf_counter(), _cpu()
        for start in range(0, len(ids), 50):
            deliver.apply(kwargs={"delivery_ids": ids[start:start + 50]}, throw=True)
        elapsed, cpu = time.perf_counter() - started, _cpu() - cpu
        delivered = Delivery.objects.filter(status="delivered").count()
        if delivered != len(ids) or counter.value - before != len(ids):
            raise SystemExit(f"only {delivered} of {len(ids)} delivered, receiver got {counter.value - before}")
        rates.append(len(ids) / elapsed)
        per_cpu.append(len(ids) / cpu)
        print(f"round: {len(ids)} deliveries in {elapsed:.2f} s = {rates[-1]:.0f} deliveries/s "
              f"({per_cpu[-1]:.0f} per CPU-second of the worker)")
    receiver.terminate()
    engine = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    print(f"webhook delivery ({engine}, one worker, local receiver): {statistics.median(rates):.0f} deliveries/s "
          f"(median of {args.rounds}; target >= 200); {statistics.median(per_cpu):.0f} per CPU-second of the worker")


if __name__ == "__main__":
    main()
