"""The reports in a real browser: a supervisor filters by team, reads the chart's numbers, follows a
figure to its tickets and downloads the CSV; axe finds no serious violations; the page fits a phone."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

from atiende.tickets.services import message_create, ticket_create
from conftest import PASSWORD

from .conftest import PHONE
from .test_smoke import blocking, describe

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def history(world):
    made = []
    for n, team in enumerate([world.team1, world.team1, world.team2]):
        ticket = ticket_create(actor=world.admin, requester=world.customer_a, subject=f"Facturación {n}", body="Hola",
                               channel="email", team=team)
        message_create(actor=world.agent1 if team == world.team1 else world.agent2, ticket=ticket, body="Listo")
        made.append(ticket)
    return made


def test_a_supervisor_filters_by_team_reads_the_chart_and_downloads_the_csv(world, history, live_server, page, login,
                                                                              axe):
    login(page, live_server, world.supervisor.email, PASSWORD)
    page.goto(f"{live_server.url}/bandeja/informes/")
    expect(page.locator("h1")).to_be_visible()
    # Located by id, not by wording: the Spanish catalogue of these strings is merged later.
    page.locator("#id_group_by").select_option("team")
    page.locator("#id_team").select_option(str(world.team1.pk))
    with page.expect_navigation():
        page.locator("form.report-filters button[type=submit]").click()
    assert "group_by=team" in page.url and f"team={world.team1.pk}" in page.url
    table = page.locator(".report-table")
    expect(table.locator("tbody th", has_text=world.team1.name)).to_be_visible()
    expect(table.locator("tbody th", has_text=world.team2.name)).to_have_count(0)
    chart = page.locator("#daily-chart")
    expect(chart.locator("svg")).to_be_visible()
    chart.locator("summary").click()
    expect(chart.locator("table")).to_be_visible()
    found = blocking(axe(page))
    assert not found, describe(found)

    with page.expect_download() as download_info:
        page.locator(".report-table").locator("xpath=ancestor::section").locator("a[download]").click()
    rows = list(csv.reader(io.StringIO(open(download_info.value.path(), encoding="utf-8-sig").read())))
    assert [row[0] for row in rows[1:2]] == [world.team1.name]
    assert rows[1][1] == "3"  # created: the world's ticket A and two of these

    page.locator(".report-table tbody tr").first.locator("td a").first.click()
    expect(page.locator("table a", has_text=f"#{history[0].number}")).to_be_visible()
    expect(page.locator("table a", has_text=f"#{history[2].number}")).to_have_count(0)
    found = blocking(axe(page))
    assert not found, describe(found)


def test_the_reports_fit_a_phone_without_serious_violations(world, history, live_server, new_page, login, axe):
    page = new_page(**PHONE)
    login(page, live_server, world.admin.email, PASSWORD)
    page.goto(f"{live_server.url}/bandeja/informes/?group_by=channel")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["viewport"]["width"] + 1
    found = blocking(axe(page))
    assert not found, describe(found)
