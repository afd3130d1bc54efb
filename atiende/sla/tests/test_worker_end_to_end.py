"""Production's job path, end to end: Celery beat and a real worker on the machine's Redis.

`atiende worker` runs as a separate process against the test database. Its scheduler queues the
SLA scan on Redis, the worker runs it, the scan marks an overdue ticket and queues the alert
mail after its commit, and the worker sends that mail (to the database outbox, as configured
when no EMAIL_URL is set). Runs in the PostgreSQL pass of `make test`; SQLite's test database
is not meant to be shared with another process.
"""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection

from atiende.core import clock
from atiende.core.models import OutboxMessage
from atiende.sla.models import Calendar, Clock
from atiende.sla.services.policies import policy_create
from atiende.tickets.services import ticket_create

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _database_url() -> str:
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    return f"postgres://{settings['USER']}{password}@{settings['HOST']}:{settings['PORT'] or 5432}/{settings['NAME']}"


@pytest.fixture
def worker(redis_url, tmp_path):
    import redis

    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL pass (the worker shares the test database)")
    redis.Redis.from_url(redis_url).flushdb()
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "atiende.settings.base", "DATABASE_URL": _database_url(),
        "REDIS_URL": redis_url, "ATIENDE_DATA_DIR": str(tmp_path), "SLA_SCAN_SECONDS": "1",
    }
    env.pop("EMAIL_URL", None)
    command = [str(Path(sys.executable).parent / "atiende"), "worker", "--concurrency", "1"]
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    yield process
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    log.close()
    connection.close()  # the flush after this test must not wait on anything


def test_beat_and_worker_scan_a_breach_and_send_its_alert(world, worker, tmp_path):
    always = Calendar.objects.get(name="24/7")
    policy_create(actor=world.admin, name="Rápida", targets={"first_response": {"minutes": 5, "calendar": always.pk}},
                  actions={"warn_at_percent": None})
    with clock.frozen_at(clock.now() - timedelta(minutes=30)):
        ticket = ticket_create(actor=world.agent1, subject="Servidor caído", body="No responde", requester=world.customer_a,
                               team=world.team1, assignee=world.agent1)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and worker.poll() is None:
        breached = Clock.objects.filter(ticket=ticket, breached_at__isnull=False).exists()
        if breached and OutboxMessage.objects.filter(subject__contains=ticket.reference).exists():
            break
        time.sleep(0.5)
    log = (tmp_path / "worker.log").read_text()
    assert worker.poll() is None, f"the worker stopped:\n{log}"
    assert Clock.objects.get(ticket=ticket).breached_at is not None, log
    sent = OutboxMessage.objects.filter(subject__contains=ticket.reference)
    assert sent.exists(), log
    assert "atiende.sla.tasks.scan" in log and "atiende.sla.tasks.notify_alert" in log
