"""The last seat of a slot, taken by many customers at the same moment: exactly one gets it, the
others a 409 with the next free slots. Real PostgreSQL, one connection per thread."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from atiende.appointments import services
from atiende.appointments.models import Appointment, AppointmentStatus
from atiende.core import clock
from atiende.customers.services import customer_create
from atiende.tickets.models import Ticket

from .fixtures import NOW, TUESDAY_10

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
THREADS = 8


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the race needs concurrent writers: PostgreSQL (SQLite serialises them)")


def race(users, kind, starts=None) -> list[tuple[str, list]]:
    outcomes: list[tuple[str, list]] = []
    barrier = threading.Barrier(len(users))

    def run(user, start) -> None:
        from django.db import connection

        try:
            barrier.wait()
            services.appointment_book(actor=user, kind=kind, start=start)
            outcomes.append(("ok", []))
        except services.SlotTaken as exc:
            outcomes.append((exc.code, exc.next_slots))
        except Exception as exc:  # noqa: BLE001 - any other failure is a wrong outcome, reported
            outcomes.append((repr(exc), []))
        finally:
            connection.close()

    starts = starts or [TUESDAY_10] * len(users)
    threads = [threading.Thread(target=run, args=(user, start)) for user, start in zip(users, starts, strict=True)]
    with clock.frozen_at(NOW):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return outcomes


def customers(n: int):
    return [customer_create(name=f"Cliente {i}", identities={"email": f"c{i}@example.mx"}, password="x" * 12).user
            for i in range(n)]


def test_many_customers_one_last_seat_exactly_one_wins(world, kinds):
    training = kinds["training"]
    with clock.frozen_at(NOW):
        for customer in (world.customer_a, world.colleague_a):
            services.appointment_book(actor=customer.user, kind=training, start=TUESDAY_10)
    tickets_before = Ticket.objects.count()
    outcomes = race(customers(THREADS), training)
    assert sorted(code for code, _ in outcomes) == ["ok"] + ["slot_taken"] * (THREADS - 1)
    assert all(next_slots and next_slots[0]["start"] == "2027-01-12T18:00:00+00:00"
               for code, next_slots in outcomes if code == "slot_taken")
    booked = Appointment.objects.filter(type=training, status=AppointmentStatus.BOOKED)
    assert sorted(booked.values_list("seat", flat=True)) == [1, 2, 3]
    assert Ticket.objects.count() == tickets_before + 1  # losers leave no ticket behind


def test_many_customers_one_seat_of_a_remote_session(world, kinds):
    outcomes = race(customers(THREADS), kinds["remote"])
    assert sorted(code for code, _ in outcomes) == ["ok"] + ["slot_taken"] * (THREADS - 1)
    assert Appointment.objects.filter(type=kinds["remote"]).count() == 1


def test_overlapping_starts_of_one_agent_exactly_one_wins(world, kinds):
    """Different starts that overlap (10:00, 10:30, 11:00 for an hour) share no seat row: only the
    per-agent lock keeps them apart."""
    half_hourly = services.type_create(actor=world.admin, name="Asesoría", kind="remote", minutes=60,
                                       team=world.team1.pk, step_minutes=30, min_notice_minutes=0)
    starts = ["2027-01-12T10:00:00-06:00", "2027-01-12T10:30:00-06:00", "2027-01-12T10:30:00-06:00",
              "2027-01-12T10:00:00-06:00", "2027-01-12T10:30:00-06:00", "2027-01-12T10:00:00-06:00"]
    outcomes = race(customers(len(starts)), half_hourly, starts)
    assert sorted(code for code, _ in outcomes) == ["ok"] + ["slot_taken"] * (len(starts) - 1)
    assert Appointment.objects.filter(type=half_hourly).count() == 1
