"""The API: staff create, change, pause and delete plans; customers read their own and their
organization's; bad values are a 400 naming the field and write nothing."""

from __future__ import annotations

from datetime import date

import pytest

from atiende.core import clock
from atiende.maintenance.models import MaintenancePlan

from .helpers import at, modem, plan


@pytest.fixture
def plans(world):
    with clock.frozen_at(at(2026, 12, 20)):
        own = plan(world, modem(world), name="Del módem")
        org = plan(world, None, organization=world.org_a, name="De la tienda", unit="month", starts_on=date(2027, 1, 31))
        other = plan(world, modem(world, customer=world.customer_b, identifier="SN-B1"), name="De Bruno")
    return {"own": own, "org": org, "other": other}


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(row["name"] for row in response.json()["results"])


def test_staff_create_a_monthly_plan_and_read_it_back(world):
    asset = modem(world)
    with clock.frozen_at(at(2027, 1, 10)):
        response = world.client_for(world.agent1).post("/api/v1/maintenance-plans/", {
            "name": "Fin de mes", "asset": asset.pk, "team": world.team1.pk, "unit": "rrule",
            "rule": "FREQ=MONTHLY;BYMONTHDAY=-1", "starts_on": "2027-01-01", "lead_days": 5,
            "checklist": ["Limpiar", "  ", "Probar"]}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["next_due_on"], body["opens_on"], body["checklist"], body["contact"]) == (
        "2027-01-31", "2027-01-26", ["Limpiar", "Probar"], None)


@pytest.mark.parametrize(("payload", "field"), [
    ({"unit": "rrule", "rule": "FREQ=HOURLY"}, "rule"),
    ({"unit": "rrule", "rule": "nonsense"}, "rule"),
    ({"unit": "fortnight"}, "unit"),
    ({"interval": 0}, "interval"),
    ({"lead_days": 400}, "lead_days"),
    ({"starts_on": "2027-02-30"}, "starts_on"),
    ({"checklist": "Limpiar"}, "checklist"),
    ({"organization": 1}, "asset"),  # an asset and an organization
    ({"contact": "me"}, "contact"),
    ({"team": 999_999}, "team"),
])
def test_bad_plans_are_a_400_naming_the_field(world, payload, field):
    asset = modem(world)
    base = {"name": "Plan", "asset": asset.pk, "team": world.team1.pk, "unit": "month", "starts_on": "2027-01-01"}
    if payload.get("organization") == 1:
        payload = {"organization": world.org_a.pk}
    response = world.client_for(world.agent1).post("/api/v1/maintenance-plans/", {**base, **payload}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert MaintenancePlan.objects.count() == 0


def test_contact_must_be_of_the_owner(world):
    asset = modem(world)
    response = world.client_for(world.agent1).post("/api/v1/maintenance-plans/", {
        "name": "Plan", "asset": asset.pk, "team": world.team1.pk, "unit": "month", "starts_on": "2027-01-01",
        "contact": world.customer_b.pk}, format="json")
    assert response.status_code == 400 and "contact" in response.json()["error"]["fields"]


def test_visibility(world, plans):
    assert names(world.client_for(world.agent2).get("/api/v1/maintenance-plans/")) == ["De Bruno", "De la tienda",
                                                                                       "Del módem"]
    assert names(world.client_for(world.customer_a.user).get("/api/v1/maintenance-plans/")) == ["Del módem"]
    assert names(world.client_for(world.org_admin_a.user).get("/api/v1/maintenance-plans/")) == ["De la tienda",
                                                                                                  "Del módem"]
    assert names(world.client_for(world.colleague_a.user).get("/api/v1/maintenance-plans/")) == []
    assert names(world.client_for(world.collaborator).get("/api/v1/maintenance-plans/")) == []
    assert world.client_for(world.customer_b.user).get(f"/api/v1/maintenance-plans/{plans['own'].pk}/").status_code == 404
    assert world.client_for(None).get("/api/v1/maintenance-plans/").status_code == 401


def test_customers_change_nothing_staff_pause_and_delete(world, plans):
    url = f"/api/v1/maintenance-plans/{plans['own'].pk}/"
    assert world.client_for(world.customer_a.user).patch(url, {"active": False}, format="json").status_code == 403
    assert world.client_for(world.customer_a.user).delete(url).status_code == 403
    assert MaintenancePlan.objects.get(pk=plans["own"].pk).active is True
    response = world.client_for(world.agent1).patch(url, {"active": False}, format="json")
    assert response.status_code == 200 and response.json()["active"] is False
    paused = names(world.client_for(world.agent1).get("/api/v1/maintenance-plans/?active=false"))
    assert paused == ["Del módem"]
    assert world.client_for(world.agent1).get("/api/v1/maintenance-plans/?active=maybe").status_code == 400
    assert world.client_for(world.agent1).delete(url).status_code == 204
    assert not MaintenancePlan.objects.filter(pk=plans["own"].pk).exists()


def test_visits_of_a_plan(world, plans, django_capture_on_commit_callbacks):
    from atiende.maintenance.services import maintenance_pass

    with clock.frozen_at(at(2027, 1, 1)), django_capture_on_commit_callbacks(execute=True):
        maintenance_pass()
    response = world.client_for(world.customer_a.user).get(f"/api/v1/maintenance-plans/{plans['own'].pk}/visits/")
    assert response.status_code == 200
    [visit] = response.json()["results"]
    assert (visit["due_on"], visit["status"], [i["done"] for i in visit["checklist"]]) == ("2027-01-04", "open",
                                                                                          [False] * 3)
