"""The periodic schedule, run in-process when there is no Celery broker (the embedded default).

Production runs `CELERY_BEAT_SCHEDULE` with Celery beat inside `atiende worker`. Without
REDIS_URL, `atiende serve` starts this thread instead: the same entries, run eagerly in the
server process, so a demo or a small install gets its SLA scan with no other server.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

from celery.schedules import maybe_schedule
from django.conf import settings
from django.db import close_old_connections

logger = logging.getLogger(__name__)


class EmbeddedScheduler(threading.Thread):
    def __init__(self, schedule: dict | None = None) -> None:
        super().__init__(name="atiende-scheduler", daemon=True)
        from atiende.celery import app

        # Every app's tasks module, as a Celery worker imports them at start: the schedule names
        # tasks whose modules nothing else in the server process imports (webhook retries).
        app.loader.import_default_modules()
        entries = settings.CELERY_BEAT_SCHEDULE if schedule is None else schedule
        self.entries = {name: (entry["task"], maybe_schedule(entry["schedule"])) for name, entry in entries.items()}
        self.last_run: dict[str, datetime] = {}
        self.stopping = threading.Event()

    def run(self) -> None:
        started = datetime.now(UTC)
        while not self.stopping.is_set():
            wait = 60.0
            for name, (task_name, schedule) in self.entries.items():
                due, next_in = schedule.is_due(self.last_run.get(name, started))
                if due:
                    self.last_run[name] = datetime.now(UTC)
                    self._run(task_name)
                wait = min(wait, next_in)
            self.stopping.wait(max(wait, 0.05))

    def _run(self, task_name: str) -> None:
        from atiende.celery import app

        close_old_connections()
        try:
            app.tasks[task_name].apply(throw=True)
        except Exception:  # one failing run must not stop the schedule
            logger.exception("Scheduled task %s failed", task_name)
        finally:
            close_old_connections()

    def stop(self) -> None:
        self.stopping.set()
