"""`atiende metrics rebuild-report-rows`: rewrite the reports' per-ticket rows from the event
record (after an import that wrote events directly, or for tickets recorded before the rows
existed). Safe to run at any time: each batch is rewritten in one transaction."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from atiende.metrics import services
from atiende.metrics.models import MetricEvent

BATCH = 2000


class Command(BaseCommand):
    help = "Event record maintenance: rebuild-report-rows"

    def add_arguments(self, parser) -> None:
        parser.add_argument("action", choices=["rebuild-report-rows"])

    def handle(self, *args, **options) -> None:
        ids = sorted(set(MetricEvent.objects.values_list("ticket_id", flat=True)))
        done = 0
        for start in range(0, len(ids), BATCH):
            done += services.facts_rebuild(ids[start:start + BATCH])
        self.stdout.write(f"{done} report rows rebuilt")
