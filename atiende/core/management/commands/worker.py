"""`atiende worker`: the Celery worker with the periodic scheduler embedded (production)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext as _


class Command(BaseCommand):
    requires_system_checks = []  # run in handle(), with the database checks (core/checks.py)
    help = "Run the background worker (Celery, with beat) against REDIS_URL."

    def add_arguments(self, parser):
        parser.add_argument("--concurrency", type=int, default=2)
        parser.add_argument("--no-beat", action="store_true", help="Run the scheduler elsewhere.")

    def handle(self, *args, concurrency, no_beat, **options):
        self.check(databases=[DEFAULT_DB_ALIAS])
        if not settings.REDIS_URL:
            raise CommandError(
                _("REDIS_URL is not set. Without it background work runs inside the web process "
                  "(embedded default) and no worker is needed.")
            )
        from atiende.celery import app

        argv = ["worker", "--loglevel=INFO", f"--concurrency={concurrency}", "-Q", settings.CELERY_TASK_DEFAULT_QUEUE]
        if not no_beat:
            argv.append("--beat")
        app.worker_main(argv)
