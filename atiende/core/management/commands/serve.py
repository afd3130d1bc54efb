"""`atiende serve`: the production ASGI server (uvicorn) with several worker processes."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext as _


class Command(BaseCommand):
    requires_system_checks = []  # run in handle(), with the database checks (core/checks.py)
    help = "Serve atiende over ASGI with uvicorn (several worker processes)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 2)))
        parser.add_argument("--no-collectstatic", action="store_true")

    def handle(self, *args, host, port, workers, no_collectstatic, **options):
        self.check(databases=[DEFAULT_DB_ALIAS])
        import uvicorn
        from django.core.management import call_command

        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        if settings.USING_SQLITE and workers > 1:
            self.stdout.write(_("SQLite: one worker process (set DATABASE_URL to PostgreSQL for more)."))
            workers = 1
        if settings.CELERY_TASK_ALWAYS_EAGER:  # no broker: run the periodic schedule in this process
            from atiende.core.scheduler import EmbeddedScheduler

            EmbeddedScheduler().start()
        uvicorn.run(
            "atiende.asgi:application", host=host, port=port, workers=workers,
            proxy_headers=True, access_log=False, log_level="warning", lifespan="off",
            timeout_graceful_shutdown=settings.GRACEFUL_TIMEOUT,
        )
