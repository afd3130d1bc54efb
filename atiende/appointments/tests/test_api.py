"""The API: types, slots, booking with its 409, cancel/reschedule/no-show, and who sees what."""

from __future__ import annotations

from datetime import timedelta

import pytest

from atiende.appointments.models import Appointment
from atiende.core import clock

from .fixtures import NOW, TUESDAY_10


@pytest.fixture(autouse=True)
def _now():
    with clock.frozen_at(NOW):
        yield


def test_create_a_type_and_read_it_back(world):
    response = world.client_for(world.admin).post("/api/v1/appointment-types/", {
        "name": "Instalación de módem", "kind": "installation", "minutes": 90, "seats": 1, "team": world.team1.pk},
        format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert {k: body[k] for k in ("name", "kind", "minutes", "seats", "team")} == {
        "name": "Instalación de módem", "kind": "installation", "minutes": 90, "seats": 1, "team": world.team1.pk}
    assert world.client_for(world.agent1).post("/api/v1/appointment-types/", {
        "name": "X", "kind": "remote", "minutes": 30, "team": world.team1.pk}, format="json").status_code == 403
    bad = world.client_for(world.admin).post("/api/v1/appointment-types/", {
        "name": "Y", "kind": "remote", "minutes": 3, "team": world.team1.pk}, format="json")
    assert bad.status_code == 400 and "minutes" in bad.json()["error"]["fields"]


def test_slots_then_book_then_409_with_next_slots(world, kinds):
    remote = kinds["remote"]
    slots = world.client_for(world.customer_a.user).get(
        f"/api/v1/appointment-types/{remote.pk}/slots/", {"from": "2027-01-12", "to": "2027-01-13"})
    assert slots.status_code == 200
    assert slots.json()["slots"][:2] == [
        {"start": "2027-01-12T15:00:00+00:00", "end": "2027-01-12T16:00:00+00:00", "seats_left": 1},
        {"start": "2027-01-12T16:00:00+00:00", "end": "2027-01-12T17:00:00+00:00", "seats_left": 1}]
    booked = world.client_for(world.customer_a.user).post("/api/v1/appointments/", {"type": remote.pk, "start": TUESDAY_10},
                                                          format="json")
    assert booked.status_code == 201, booked.content
    assert booked.json()["start"] == "2027-01-12T16:00:00+00:00"
    taken = world.client_for(world.customer_b.user).post("/api/v1/appointments/", {"type": remote.pk, "start": TUESDAY_10},
                                                         format="json")
    assert taken.status_code == 409
    error = taken.json()["error"]
    assert error["code"] == "slot_taken" and error["message"]
    assert error["fields"]["next_slots"][0]["start"] == "2027-01-12T17:00:00+00:00"


def test_bad_queries_are_400(world, kinds):
    api = world.client_for(world.customer_a.user)
    url = f"/api/v1/appointment-types/{kinds['remote'].pk}/slots/"
    assert api.get(url, {"from": "mañana"}).status_code == 400
    assert api.get(url, {"from": "2027-01-12", "to": "2027-06-01"}).status_code == 400
    assert api.post("/api/v1/appointments/", {"type": kinds["remote"].pk, "start": "2027-01-12T10:00:00"},
                    format="json").status_code == 400  # no offset
    assert api.post("/api/v1/appointments/", {"start": TUESDAY_10}, format="json").status_code == 400
    assert Appointment.objects.count() == 0


def test_visibility_like_tickets(world, kinds):
    book = world.client_for(world.customer_a.user).post("/api/v1/appointments/", {"type": kinds["remote"].pk,
                                                                                  "start": TUESDAY_10}, format="json")
    pk = book.json()["id"]
    assert world.client_for(world.customer_b.user).get(f"/api/v1/appointments/{pk}/").status_code == 404
    assert world.client_for(world.colleague_a.user).get("/api/v1/appointments/").json()["results"] == []
    assert [a["id"] for a in world.client_for(world.org_admin_a.user).get("/api/v1/appointments/").json()["results"]] == [pk]
    assert world.client_for(world.collaborator).get(f"/api/v1/appointments/{pk}/").status_code == 404
    assert world.client_for(world.agent1).get(f"/api/v1/appointments/{pk}/").status_code == 200
    assert world.client_for(world.customer_b.user).post(f"/api/v1/appointments/{pk}/cancel/").status_code == 404
    assert world.client_for(world.customer_a.user).post(f"/api/v1/appointments/{pk}/no-show/").status_code == 403


def test_reschedule_and_cancel(world, kinds):
    api = world.client_for(world.customer_a.user)
    pk = api.post("/api/v1/appointments/", {"type": kinds["remote"].pk, "start": TUESDAY_10}, format="json").json()["id"]
    moved = api.post(f"/api/v1/appointments/{pk}/reschedule/", {"start": "2027-01-12T13:00:00-06:00"}, format="json")
    assert moved.status_code == 200 and moved.json()["start"] == "2027-01-12T19:00:00+00:00"
    cancelled = api.post(f"/api/v1/appointments/{pk}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert api.post(f"/api/v1/appointments/{pk}/cancel/").status_code == 409


def test_agent_books_from_a_ticket_and_marks_a_no_show(world, kinds):
    api = world.client_for(world.agent1)
    made = api.post("/api/v1/appointments/", {"type": kinds["remote"].pk, "start": TUESDAY_10, "ticket": world.ticket_a.pk},
                    format="json")
    assert made.status_code == 201 and made.json()["customer"] == world.customer_a.pk
    with clock.frozen_at(NOW + timedelta(days=1, hours=2)):
        assert api.post(f"/api/v1/appointments/{made.json()['id']}/no-show/").json()["status"] == "no_show"
