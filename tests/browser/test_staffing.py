"""The staffing page in a real browser: a supervisor changes a target and reads the charts'
numbers; axe finds no serious violations; the page fits a phone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from atiende.core import clock
from atiende.reporting.tests.history import plant
from conftest import PASSWORD

from .conftest import PHONE
from .test_smoke import blocking, describe

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def history(world):
    now = clock.now()
    # Six weeks of phone calls and emails at this hour of the week, counted into the heat map.
    return plant(world.customer_a, [(now - timedelta(weeks=w, minutes=m), channel)
                                    for w in range(1, 7) for channel, n in (("phone", 8), ("email", 20))
                                    for m in range(n)])


def test_a_supervisor_recalculates_and_reads_the_numbers_without_serious_violations(world, history, live_server,
                                                                                    page, login, axe):
    login(page, live_server, world.supervisor.email, PASSWORD)
    page.goto(f"{live_server.url}/bandeja/personal/")

    # Located by id, not by wording: the Spanish catalogue of these strings is merged later.
    expect(page.locator("h1")).to_be_visible()
    page.locator("#id_shrinkage").fill("0.1")
    with page.expect_navigation():
        page.locator("form.staffing-targets button[type=submit]").click()
    expect(page.locator("#id_shrinkage")).to_have_value("0.1")
    assert "shrinkage=0.1" in page.url
    heat = page.locator("#arrivals-heat-map")
    heat.locator("summary").click()
    expect(heat.locator("table")).to_be_visible()
    expect(page.locator(".staffing-table tbody tr").first).to_be_visible()
    found = blocking(axe(page))

    assert not found, describe(found)


def test_the_staffing_page_fits_a_phone_without_serious_violations(world, history, live_server, new_page, login, axe):
    page = new_page(**PHONE)
    login(page, live_server, world.admin.email, PASSWORD)
    page.goto(f"{live_server.url}/bandeja/personal/")

    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["viewport"]["width"] + 1
    found = blocking(axe(page))  # the charts and tables scroll sideways here: each box takes the keyboard
    assert not found, describe(found)
