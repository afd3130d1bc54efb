"""The embedded default runs the periodic schedule in-process, with no broker."""

import time
from datetime import timedelta

import pytest
from django.core import mail

from atiende.core import clock
from atiende.core.scheduler import EmbeddedScheduler
from atiende.sla.models import Calendar, Clock
from atiende.sla.services.policies import policy_create
from atiende.tickets.services import ticket_create


# serialized_rollback: the flush after a transactional test would drop the seeded calendars and sectors
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_scheduler_thread_runs_the_sla_scan_on_schedule(world):
    always = Calendar.objects.get(name="24/7")
    policy_create(actor=world.admin, name="Rápida", targets={"first_response": {"minutes": 5, "calendar": always.pk}},
                  actions={"warn_at_percent": None})
    with clock.frozen_at(clock.now() - timedelta(minutes=30)):
        ticket = ticket_create(actor=world.agent1, subject="Servidor caído", body="No responde",
                               requester=world.customer_a, team=world.team1, assignee=world.agent1)
    scheduler = EmbeddedScheduler({"sla-scan": {"task": "atiende.sla.tasks.scan", "schedule": 0.2}})
    scheduler.start()
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not Clock.objects.filter(ticket=ticket, breached_at__isnull=False).exists():
            time.sleep(0.1)
    finally:
        scheduler.stop()
        scheduler.join(timeout=10)
    assert Clock.objects.get(ticket=ticket).breached_at is not None
    assert any(ticket.reference in message.subject for message in mail.outbox)
    assert not scheduler.is_alive()


def test_every_scheduled_task_is_known_to_the_embedded_scheduler_in_a_fresh_process(tmp_path):
    """In a new server process only the tasks modules something imported are registered; the
    scheduler must find every entry's task (webhook retries were "not registered")."""
    import os
    import subprocess
    import sys

    code = ("import django; django.setup()\n"
            "from atiende.celery import app\n"
            "from atiende.core.scheduler import EmbeddedScheduler\n"
            "print(sorted(task for task, _ in EmbeddedScheduler().entries.values() if task not in app.tasks))\n")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "atiende.settings.base", "ATIENDE_DATA_DIR": str(tmp_path),
           "SECRET_KEY": "s" * 50}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"
