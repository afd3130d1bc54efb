"""Workspace pages (plans, the ticket's checklist box, the asset's maintenance box) and the
portal's upcoming maintenance, with who may see them."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from atiende.core import clock
from atiende.maintenance.models import MaintenancePlan, MaintenanceVisit, VisitStatus
from atiende.maintenance.services import maintenance_pass

from .helpers import at, modem, plan


def client_of(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user, backend="atiende.accounts.backends.EmailBackend")
    return client


@pytest.fixture
def opened(world, django_capture_on_commit_callbacks):
    with clock.frozen_at(at(2026, 12, 20)):
        plan(world, modem(world))
    with clock.frozen_at(at(2027, 1, 1)), django_capture_on_commit_callbacks(execute=True):
        maintenance_pass()
    return MaintenanceVisit.objects.get()


def test_plan_pages_create_and_edit(world):
    asset = modem(world)
    agent = client_of(world.agent1)
    assert agent.get(f"/bandeja/mantenimiento/nuevo/?activo={asset.pk}").status_code == 200
    with clock.frozen_at(at(2027, 1, 10)):
        response = agent.post("/bandeja/mantenimiento/nuevo/", {
            "name": "Fin de mes", "asset": asset.pk, "team": world.team1.pk, "unit": "month", "interval": 1,
            "starts_on": "2027-01-31", "lead_days": 5, "checklist": "Limpiar\nProbar\n", "active": "on"})
    plan_row = MaintenancePlan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/bandeja/mantenimiento/{plan_row.pk}/"
    assert (plan_row.checklist, plan_row.next_due_on) == (["Limpiar", "Probar"], date(2027, 1, 31))
    page = agent.get(f"/bandeja/mantenimiento/{plan_row.pk}/").content.decode()
    assert "Next visit on Jan. 31, 2027; its work opens on Jan. 26, 2027." in page
    listing = agent.get("/bandeja/mantenimiento/").content.decode()
    assert "Fin de mes" in listing
    bad = agent.post(f"/bandeja/mantenimiento/{plan_row.pk}/", {
        "name": "Fin de mes", "asset": asset.pk, "team": world.team1.pk, "unit": "rrule", "interval": 1,
        "rule": "FREQ=HOURLY", "starts_on": "2027-01-31", "lead_days": 5, "checklist": ""})
    assert bad.status_code == 400 and "A maintenance rule repeats daily at most." in bad.content.decode()
    assert MaintenancePlan.objects.get().unit == "month"


def test_customers_and_collaborators_get_no_plan_pages(world, opened):
    for user in (world.customer_a.user, world.collaborator):
        client = client_of(user)
        for url in ("/bandeja/mantenimiento/", f"/bandeja/mantenimiento/{opened.plan_id}/",
                    f"/bandeja/activos/{opened.plan.asset_id}/mantenimiento/"):
            assert client.get(url).status_code in (302, 404), (user, url)


def test_ticket_checklist_box_ticks_and_completes(world, opened):
    agent = client_of(world.agent1)
    url = f"/bandeja/tickets/{opened.ticket.number}/mantenimiento/"
    box = agent.get(url).content.decode()
    assert "Maintenance checklist" in box and "Limpiar filtros" in box
    assert agent.post(url, {"item": "0", "done": "1"}, HTTP_HX_REQUEST="true").status_code == 200
    assert agent.post(url, {"item": "9", "done": "1"}, HTTP_HX_REQUEST="true").status_code == 400
    assert agent.post(url, {"action": "complete"}).status_code == 302
    opened.refresh_from_db()
    assert opened.status == VisitStatus.COMPLETED and [i["done"] for i in opened.checklist] == [True, False, False]
    # Team 2's agent may not tick team 1's ticket (not even see it).
    assert client_of(world.agent2).post(url, {"item": "1", "done": "1"}).status_code == 404
    # Another ticket's box is empty.
    assert "Maintenance checklist" not in agent.get(f"/bandeja/tickets/{world.ticket_a.number}/mantenimiento/").content.decode()


def test_asset_page_shows_next_visit_and_history(world, opened):
    agent = client_of(world.agent1)
    box = agent.get(f"/bandeja/activos/{opened.plan.asset_id}/mantenimiento/").content.decode()
    assert "next visit on Jan. 11, 2027" in box
    assert f"#{opened.ticket.number}" in box and "Revisar voltaje" in box
    assert "asset-maintenance" in agent.get(f"/bandeja/activos/{opened.plan.asset_id}/").content.decode()


def test_portal_shows_upcoming_maintenance_to_its_customer_only(world, opened):
    mine = client_of(world.customer_a.user).get("/soporte/productos/").content.decode()
    assert "Upcoming maintenance" in mine and "Mantenimiento trimestral" in mine and "Jan. 11, 2027" in mine
    other = client_of(world.customer_b.user).get("/soporte/productos/").content.decode()
    assert "Mantenimiento trimestral" not in other
