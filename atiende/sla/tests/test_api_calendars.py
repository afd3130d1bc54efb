import pytest

from atiende.sla.models import Calendar

pytestmark = pytest.mark.django_db

TIJUANA = {
    "name": "Tijuana", "time_zone": "America/Tijuana",
    "hours": {"mon": [["09:00", "14:00"], ["15:00", "18:00"]], "tue": [["09:00", "18:00"]], "wed": [["09:00", "18:00"]],
              "thu": [["09:00", "18:00"]], "fri": [["09:00", "18:00"]], "sat": [], "sun": []},
    "holidays": "MX", "closures": ["2026-12-24"],
}


def test_admin_creates_calendar_and_asks_due_and_between(world):
    api = world.client_for(world.admin)
    created = api.post("/api/v1/business-calendars/", TIJUANA, format="json")
    assert created.status_code == 201, created.content
    calendar_id = created.json()["id"]
    assert created.json()["closures"] == ["2026-12-24"] and created.json()["holidays"] == "MX"
    # Friday 13 Nov 2026 17:55 Tijuana; Monday 16 is Revolution Day; Tuesday opens 09:00.
    due = api.get(f"/api/v1/business-calendars/{calendar_id}/due/", {"start": "2026-11-13T17:55:00-08:00", "minutes": 65})
    assert due.json() == {"due": "2026-11-17T10:00:00-08:00"}
    between = api.get(f"/api/v1/business-calendars/{calendar_id}/between/",
                      {"start": "2026-11-13T17:55:00-08:00", "end": "2026-11-17T10:00:00-08:00"})
    assert between.json() == {"minutes": 65}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"time_zone": "America/Atlantis"}, "time_zone"),
        ({"hours": {"mon": [["18:00", "18:00"]]}}, "hours"),
        ({"hours": {"lun": [["09:00", "18:00"]]}}, "hours"),
        ({"hours": {"mon": [["9am", "6pm"]]}}, "hours"),
        ({"hours": {key: [] for key in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}}, "hours"),
        ({"closures": ["24/12/2026"]}, "closures"),
        ({"holidays": "US"}, "holidays"),
    ],
)
def test_bad_calendars_are_refused_with_the_reason(world, change, field):
    api = world.client_for(world.admin)
    before = Calendar.objects.count()
    response = api.post("/api/v1/business-calendars/", {**TIJUANA, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert Calendar.objects.count() == before


def test_bad_query_parameters(world):
    calendar = Calendar.objects.get(name="24/7")
    api = world.client_for(world.agent1)
    url = f"/api/v1/business-calendars/{calendar.pk}/due/"
    assert api.get(url, {"start": "ayer", "minutes": 5}).status_code == 400
    assert api.get(url, {"start": "2026-01-01T00:00:00", "minutes": 5}).status_code == 400  # no offset
    assert api.get(url, {"start": "2026-01-01T00:00:00Z", "minutes": -5}).status_code == 400
    assert api.get(url, {"start": "2026-01-01T00:00:00Z", "minutes": 90}).json() == {"due": "2026-01-01T01:30:00+00:00"}


def test_seeded_calendars_and_permissions(world):
    names = [c["name"] for c in world.client_for(world.agent1).get("/api/v1/business-calendars/").json()["results"]]
    assert names == ["24/7", "Horario de oficina (CDMX)"]
    assert world.client_for(world.customer_a.user).get("/api/v1/business-calendars/").json()["results"] == []
    denied = world.client_for(world.agent1).post("/api/v1/business-calendars/", TIJUANA, format="json")
    assert denied.status_code == 403 and not Calendar.objects.filter(name="Tijuana").exists()
    calendar = Calendar.objects.get(name="24/7")
    assert world.client_for(world.customer_a.user).get(f"/api/v1/business-calendars/{calendar.pk}/due/",
                                                        {"start": "2026-01-01T00:00:00Z", "minutes": 1}).status_code == 404


def test_supervisor_updates_calendar_and_validation_applies(world):
    api = world.client_for(world.supervisor)
    calendar = Calendar.objects.get(name="Horario de oficina (CDMX)")
    ok = api.patch(f"/api/v1/business-calendars/{calendar.pk}/", {"closures": ["2026-12-31"]}, format="json")
    assert ok.status_code == 200 and ok.json()["closures"] == ["2026-12-31"]
    bad = api.patch(f"/api/v1/business-calendars/{calendar.pk}/", {"time_zone": "Nowhere/Else"}, format="json")
    assert bad.status_code == 400
    calendar.refresh_from_db()
    assert calendar.time_zone == "America/Mexico_City"
