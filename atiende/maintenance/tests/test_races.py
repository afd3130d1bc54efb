"""Two (or four) passes at the same moment, on threads with their own connections: each visit
opens once and each reminder is recorded once. On PostgreSQL the plan rows are locked with SKIP
LOCKED and the unique rows decide; SQLite serializes writers, so there a pass may also lose to
"database is locked" — still never a duplicate."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection

from atiende.core import clock
from atiende.maintenance.models import MaintenanceVisit, WarrantyReminder
from atiende.maintenance.services import maintenance_pass, warranty_reminders_run
from atiende.tickets.models import Ticket

from .helpers import at, modem, plan

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def race(call, times: int) -> list[str]:
    outcomes: list[str] = []
    barrier = threading.Barrier(times)

    def run() -> None:
        from django.db import connection

        try:
            barrier.wait()
            outcomes.append(str(call()))
        except Exception as exc:  # SQLite's "database is locked"
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_concurrent_passes_open_each_visit_once(world, settings):
    settings.WARRANTY_REMINDER_DAYS = 30
    with clock.frozen_at(at(2026, 12, 20)):
        for n in range(6):
            plan(world, modem(world, identifier=f"SN-{n}", purchased_on=date(2026, 2, 1)), name=f"Plan {n}",
                 unit="day", lead_days=1, starts_on=date(2027, 1, 1))
    with clock.frozen_at(at(2027, 1, 3)):  # per plan: the 2nd (the 1st missed), the 3rd and the 4th
        outcomes = race(maintenance_pass, 4)
        reminders = race(warranty_reminders_run, 4)
    assert MaintenanceVisit.objects.count() == 18
    assert sorted(MaintenanceVisit.objects.values_list("plan__name", "due_on").distinct()) == sorted(
        (f"Plan {n}", date(2027, 1, day)) for n in range(6) for day in (2, 3, 4))
    assert Ticket.objects.filter(subject__startswith="Preventive").count() == 18
    assert MaintenanceVisit.objects.filter(ticket__isnull=True).count() == 0
    opened = [int(o) for o in outcomes if o.isdigit()]
    assert sum(opened) == 18
    # Covered through 31 January 2027: six reminders, once each.
    assert WarrantyReminder.objects.count() == 6
    assert sum(int(o) for o in reminders if o.isdigit()) == 6
    if connection.vendor == "postgresql":
        assert all(o.isdigit() for o in outcomes + reminders)
