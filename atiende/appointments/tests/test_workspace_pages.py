"""The workspace: the ticket's appointments box (book, no-show), the types pages and the calendar."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from django.test import Client

from atiende.appointments import services
from atiende.appointments.models import Appointment, AppointmentStatus, AppointmentType
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


def test_the_ticket_box_lists_and_books(world, kinds):
    client = signed_in(world.agent1)
    url = f"/bandeja/tickets/{world.ticket_a.number}/citas/"
    box = client.get(url, {"tipo": kinds["remote"].pk})
    assert box.status_code == 200 and 'value="2027-01-11T16:00:00+00:00"' in box.content.decode()
    booked = client.post(url, {"action": "book", "type": kinds["remote"].pk, "start": "2027-01-12T16:00:00+00:00"},
                         HTTP_HX_REQUEST="true")
    assert booked.status_code == 200, booked.content.decode()
    appointment = Appointment.objects.get()
    assert (appointment.ticket_id, appointment.customer_id) == (world.ticket_a.pk, world.customer_a.pk)
    assert "Sesión remota" in booked.content.decode()
    detail = client.get(f"/tickets/{world.ticket_a.number}/").content.decode()
    assert url in detail  # the ticket page loads the box


def test_no_show_from_the_box_and_denials(world, kinds):
    appointment = services.appointment_book(actor=world.agent1, kind=kinds["remote"], start=TUESDAY_10, ticket=world.ticket_a)
    url = f"/bandeja/tickets/{world.ticket_a.number}/citas/"
    assert signed_in(world.agent2).get(url).status_code == 404  # not a ticket of agent 2's team
    assert signed_in(world.customer_a.user).get(url).status_code in (302, 404)
    with clock.frozen_at(NOW + timedelta(days=1, hours=1)):
        done = signed_in(world.agent1).post(url, {"action": "no_show", "appointment": appointment.pk})
    assert done.status_code == 302
    assert Appointment.objects.get().status == AppointmentStatus.NO_SHOW


def test_types_pages_for_supervisors_only(world, kinds):
    assert signed_in(world.agent1).get("/bandeja/citas/tipos/nuevo/").status_code == 404
    assert signed_in(world.agent1).get("/bandeja/citas/tipos/").status_code == 200
    client = signed_in(world.supervisor)
    saved = client.post("/bandeja/citas/tipos/nuevo/", {"name": "Asesoría", "kind": "remote", "minutes": 45, "seats": 1,
                                                "team": world.team1.pk, "buffer_before": 0, "buffer_after": 15,
                                                "min_notice_minutes": 120, "max_days_ahead": 30, "step_minutes": 15,
                                                "active": "on"})
    assert saved.status_code == 302
    assert AppointmentType.objects.get(name="Asesoría").buffer_after == 15
    refused = client.post("/bandeja/citas/tipos/nuevo/", {"name": "Mala", "kind": "remote", "minutes": 45, "seats": 5,
                                                  "team": world.team1.pk, "buffer_before": 0, "buffer_after": 0,
                                                  "min_notice_minutes": 0, "max_days_ahead": 30, "step_minutes": 15})
    assert refused.status_code == 400 and not AppointmentType.objects.filter(name="Mala").exists()


def test_calendar_by_week_and_day(world, kinds):
    services.appointment_book(actor=world.customer_a.user, kind=kinds["remote"], start=TUESDAY_10)
    client = signed_in(world.agent1)
    week = client.get("/bandeja/citas/", {"dia": "2027-01-13"}).content.decode()
    assert "Sesión remota" in week and "Ana Cliente" in week
    assert "Sesión remota" not in client.get("/bandeja/citas/", {"dia": "2027-01-13", "vista": "dia"}).content.decode()
    assert "Sesión remota" not in client.get("/bandeja/citas/", {"dia": "2027-01-13", "equipo": world.team2.pk}).content.decode()
    assert "Sesión remota" not in signed_in(world.agent2).get("/bandeja/citas/", {"dia": "2027-01-13"}).content.decode()


def test_agents_record_their_own_absences_and_supervisors_anyones(world, kinds):
    from datetime import datetime

    from atiende.appointments import selectors
    from atiende.appointments.models import Absence

    url = "/bandeja/citas/ausencias/"
    agent = signed_in(world.agent1)
    form = agent.get(url)
    assert form.status_code == 200 and f'<option value="{world.agent2.pk}"' not in form.content.decode()
    tuesday = {"start": "2027-01-12T00:00", "end": "2027-01-13T00:00", "reason": "Vacaciones"}  # Mexico City
    assert agent.post(url, {"agent": world.agent2.pk, **tuesday}).status_code == 400  # not theirs to record
    assert agent.post(url, {"agent": world.agent1.pk, **tuesday}).status_code == 302
    absence = Absence.objects.get()
    assert (absence.agent, absence.start) == (world.agent1, datetime(2027, 1, 12, 6, 0, tzinfo=UTC))
    assert selectors.slot_list(user=world.customer_a.user, kind=kinds["remote"], start=absence.start,
                               end=absence.end) == []  # agent1 gives team 1's types alone: nobody is free
    backwards = agent.post(url, {"agent": world.agent1.pk, "start": "2027-01-14T10:00", "end": "2027-01-14T09:00"})
    assert backwards.status_code == 400 and "must end after it starts" in backwards.content.decode()

    supervisor = signed_in(world.supervisor)
    assert supervisor.post(url, {"agent": world.agent2.pk, **tuesday}).status_code == 302
    assert "Vacaciones" in supervisor.get(url).content.decode()
    theirs = Absence.objects.get(agent=world.agent2)
    assert agent.post(url, {"borrar": theirs.pk}).status_code == 404  # not an agent's to delete
    assert agent.post(url, {"borrar": absence.pk}).status_code == 302
    assert list(Absence.objects.values_list("agent", flat=True)) == [world.agent2.pk]
    assert signed_in(world.customer_a.user).get(url).status_code in (302, 404)
