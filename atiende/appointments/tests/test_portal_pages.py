"""The portal: my appointments, booking (with the taken-slot message), rescheduling, cancelling."""

from __future__ import annotations

import pytest
from django.test import Client

from atiende.appointments import services
from atiende.appointments.models import Appointment, AppointmentStatus
from atiende.core import clock

from .fixtures import NOW, TUESDAY_10


@pytest.fixture(autouse=True)
def _now():
    with clock.frozen_at(NOW):
        yield


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend="atiende.accounts.backends.EmailBackend")
    return client


def test_book_from_the_slot_page(world, kinds):
    client = signed_in(world.customer_a.user)
    page = client.get(f"/soporte/citas/nueva/{kinds['training'].pk}/?desde=2027-01-12")
    assert page.status_code == 200
    assert 'value="2027-01-12T10:00:00-06:00"' in page.content.decode()
    done = client.post(f"/soporte/citas/nueva/{kinds['training'].pk}/", {"start": "2027-01-12T10:00:00-06:00"})
    assert done.status_code == 302 and done["Location"] == "/soporte/citas/"
    listing = client.get("/soporte/citas/").content.decode()
    assert "Capacitación" in listing and "Change the time" in listing


def test_a_taken_slot_says_so_and_offers_the_next_ones(world, kinds):
    services.appointment_book(actor=world.customer_b.user, kind=kinds["remote"], start=TUESDAY_10)
    page = signed_in(world.customer_a.user).post(f"/soporte/citas/nueva/{kinds['remote'].pk}/", {"start": TUESDAY_10})
    assert page.status_code == 409
    body = page.content.decode()
    assert "That time is no longer free" in body and 'value="2027-01-12T11:00:00-06:00"' in body


def test_reschedule_and_cancel_in_the_portal(world, kinds):
    mine = services.appointment_book(actor=world.customer_a.user, kind=kinds["remote"], start=TUESDAY_10)
    client = signed_in(world.customer_a.user)
    assert client.post(f"/soporte/citas/{mine.pk}/cambiar/", {"start": "2027-01-12T15:00:00-06:00"}).status_code == 302
    mine.refresh_from_db()
    assert mine.start.isoformat() == "2027-01-12T21:00:00+00:00"
    assert client.post(f"/soporte/citas/{mine.pk}/cancelar/").status_code == 302
    assert Appointment.objects.get(pk=mine.pk).status == AppointmentStatus.CANCELLED


def test_others_cannot_touch_it(world, kinds):
    mine = services.appointment_book(actor=world.customer_a.user, kind=kinds["remote"], start=TUESDAY_10)
    other = signed_in(world.customer_b.user)
    assert other.get(f"/soporte/citas/{mine.pk}/cambiar/").status_code == 404
    assert other.post(f"/soporte/citas/{mine.pk}/cancelar/").status_code == 404
    assert "Sesión remota" not in other.get("/soporte/citas/").content.decode()
    assert Appointment.objects.get(pk=mine.pk).status == AppointmentStatus.BOOKED
