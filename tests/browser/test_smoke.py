"""Smoke tests for the browser-test setup: sign-in, the ticket list, axe-core, a phone screen."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD

from .conftest import LOGIN_PATH, PHONE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BLOCKING_IMPACTS = {"serious", "critical"}


def blocking(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in BLOCKING_IMPACTS]


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[node['target'] for node in v['nodes']]}"
        for v in violations
    )


def test_agent_signs_in_and_sees_the_ticket_list_in_spanish(world, live_server, page, login):
    login(page, live_server, world.agent1.email, PASSWORD)

    assert urlparse(page.url).path == "/bandeja/"
    expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^es", re.IGNORECASE))
    expect(page.get_by_role("columnheader", name="Asunto")).to_be_visible()
    expect(page.get_by_role("button", name="Cerrar sesión")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=world.ticket_a.subject)
    expect(row).to_contain_text(f"#{world.ticket_a.number}")
    expect(page.get_by_text(world.ticket_b.subject)).to_have_count(0)  # another team's ticket


def test_login_page_has_no_serious_accessibility_violations(live_server, page, axe):
    page.goto(f"{live_server.url}{LOGIN_PATH}")

    found = blocking(axe(page))

    assert not found, describe(found)


def test_ticket_list_has_no_serious_accessibility_violations(world, live_server, page, login, axe):
    login(page, live_server, world.agent1.email, PASSWORD)

    found = blocking(axe(page))

    assert not found, describe(found)


def test_login_page_fits_a_phone_screen(live_server, new_page):
    page = new_page(**PHONE)
    broken: list[str] = []  # the layout is only meaningful with the stylesheet loaded
    page.on("response", lambda r: r.status >= 400 and broken.append(f"{r.status} {r.url}"))
    page.goto(f"{live_server.url}{LOGIN_PATH}")

    assert broken == []
    assert page.evaluate("() => document.styleSheets.length") >= 1
    expect(page.locator("input[name=email]")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375


def test_the_ticket_list_fits_a_phone(world, new_page, live_server, login):
    phone = new_page(**PHONE)
    login(phone, live_server, world.agent1.email, PASSWORD)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
