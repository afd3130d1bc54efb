"""The reports page: its filters, charts with their numbers, CSV downloads and the drill-down."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.utils import translation

from atiende.core import clock
from atiende.tickets.services import message_create, ticket_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def answered(world):
    ticket = ticket_create(actor=world.admin, requester=world.customer_a, subject="Facturación atrasada",
                           body="Hola", channel="email", team=world.team1)
    message_create(actor=world.agent1, ticket=ticket, body="Ya está")
    return ticket


def test_a_supervisor_sees_the_figures_charts_and_csv(world, client, answered):
    client.force_login(world.supervisor)
    page = client.get("/bandeja/informes/", {"group_by": "team", "team": str(world.team1.pk)})
    assert page.status_code == 200
    body = page.content.decode()
    for chart in ("daily-chart", "groups-chart", "arrivals-heat-map"):
        assert f'id="{chart}"' in body
    assert "Soporte general" in body and "Especialistas</td>" not in body
    assert "/bandeja/informes/tickets/?" in body
    raw = client.get("/bandeja/informes/", {"group_by": "team", "csv": "grupos"})
    assert raw["Content-Type"].startswith("text/csv") and raw.content.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(raw.content.decode("utf-8-sig"))))
    assert table[0][:2] == ["Team", "Created"]
    assert any(row[0] == "Soporte general" for row in table)
    daily = list(csv.reader(io.StringIO(client.get("/bandeja/informes/", {"csv": "diario"}).content.decode("utf-8-sig"))))
    assert len(daily) == 1 + 28 and sum(int(row[1]) for row in daily[1:]) >= 1
    arrivals = list(csv.reader(io.StringIO(client.get("/bandeja/informes/", {"csv": "llegadas"}).content.decode("utf-8-sig"))))
    assert len(arrivals) == 8 and len(arrivals[0]) == 25


def test_the_drill_down_lists_the_tickets_behind_a_figure(world, client, answered):
    client.force_login(world.supervisor)
    today = clock.now().date().isoformat()
    first = (clock.now().date() - timedelta(days=30)).isoformat()
    page = client.get("/bandeja/informes/tickets/", {"metric": "first_response", "group_by": "team",
                                                      "key": str(world.team1.pk), "since": first, "until": today})
    assert page.status_code == 200
    assert f"#{answered.number}" in page.content.decode()
    other = client.get("/bandeja/informes/tickets/", {"metric": "first_response", "group_by": "team",
                                                       "key": str(world.team2.pk), "since": first, "until": today})
    assert f"#{answered.number}" not in other.content.decode()
    assert client.get("/bandeja/informes/tickets/", {"metric": "everything"}).status_code == 400


def test_bad_filters_say_why_without_a_500(world, client):
    client.force_login(world.admin)
    page = client.get("/bandeja/informes/", {"since": "2026-02-30", "group_by": "moon"})
    assert page.status_code == 400
    assert "YYYY-MM-DD" in page.content.decode()


def test_agents_do_not_find_the_reports(world, client):
    client.force_login(world.agent1)
    assert client.get("/bandeja/informes/").status_code == 404
    assert client.get("/bandeja/informes/tickets/", {"metric": "created"}).status_code == 404
    assert b"/bandeja/informes/" not in client.get("/bandeja/").content
