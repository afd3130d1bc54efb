"""The agent inbox in a real browser: filters, saved views, keyboard, accessibility, a phone.

Elements are found by id, value and href rather than by their words, so these tests hold in
every language the catalogue gains."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from atiende.tickets.services import ticket_create
from atiende.workspace.models import SavedView
from conftest import PASSWORD

from .conftest import PHONE
from .test_smoke import blocking, describe

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

INBOX = "/bandeja/"
ROWS = "#inbox-rows tr[data-ticket-url]"


@pytest.fixture
def tickets(world):
    """Two more tickets in team 1 besides the fixture's: one high priority, one normal."""
    make = {"actor": world.admin, "body": "Texto", "requester": world.customer_a, "team": world.team1}
    high = ticket_create(subject="Caída del servidor de correo", priority="high", **make)
    normal = ticket_create(subject="Cambio de contraseña", **make)
    return high, normal


def open_inbox(page, live_server, login, user, path: str = INBOX):
    login(page, live_server, user.email, PASSWORD)
    page.goto(f"{live_server.url}{path}")


def test_agent_filters_the_inbox_and_uses_a_saved_view(world, tickets, live_server, page, login):
    high, normal = tickets
    open_inbox(page, live_server, login, world.agent1)
    rows = page.locator(ROWS)
    expect(rows).to_have_count(3)
    expect(page.locator("#inbox-rows")).not_to_contain_text(world.ticket_b.subject)  # another team's

    page.select_option("#filter-priority", "high")  # applies at once: htmx swaps the rows

    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(high.subject)
    expect(page).to_have_url(re.compile(r"/bandeja/\?view=open&priority=high$"))

    page.locator("details.save-view summary").click()
    page.fill("#view-name", "Altas de mi equipo")
    with page.expect_navigation():
        page.locator(".save-view-form button[type=submit]").click()
    saved = SavedView.objects.get(owner=world.agent1)
    assert saved.filters["priority"] == ["high"]
    expect(page.locator("#inbox-title")).to_have_text("Altas de mi equipo")
    expect(page.locator(".view-link[aria-current=page]")).to_contain_text("Altas de mi equipo")

    page.locator(".view-link[href$='?view=open']").click()
    expect(rows).to_have_count(3)
    page.locator(f".view-link[href$='?view={saved.pk}']").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(high.subject)
    expect(page.locator(f".view-link[href$='?view={saved.pk}'] .count")).to_contain_text("1")


def test_bulk_action_from_the_inbox(world, tickets, live_server, page, login):
    high, normal = tickets
    open_inbox(page, live_server, login, world.agent1)

    page.check(f"#select-{high.pk}")
    page.check(f"#select-{normal.pk}")
    expect(page.locator("#bulk-count")).not_to_be_empty()
    page.select_option("#bulk-status", "pending_customer")
    with page.expect_navigation():
        page.locator("#bulk button[value=status]").click()

    expect(page.locator(".flash")).to_be_visible()
    high.refresh_from_db()
    normal.refresh_from_db()
    assert (high.status, normal.status) == ("pending_customer", "pending_customer")


def test_keyboard_help_search_and_next_ticket(world, tickets, live_server, page, login):
    open_inbox(page, live_server, login, world.agent1)
    page.locator("#inbox-title").click()

    page.keyboard.press("?")
    dialog = page.locator("dialog.shortcut-help")
    expect(dialog).to_be_visible()
    expect(dialog.locator("kbd", has_text=re.compile(r"^/$"))).to_have_count(1)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    page.locator("#inbox-title").click()  # focus back on the page, as after reading the help
    page.keyboard.press("/")
    expect(page.locator("#quick-search")).to_be_focused()
    page.keyboard.type("dominio")  # typing in a field fires no shortcut ("d", "o" …)
    suggestion = page.locator(f"#quick-search-results a[href='/tickets/{world.ticket_a.number}/']")
    expect(suggestion).to_be_visible()
    page.keyboard.press("ArrowDown")
    expect(suggestion).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("#quick-search")).to_be_focused()
    expect(page.locator("#quick-search-results a")).to_have_count(0)

    page.locator("#inbox-title").click()
    urls = page.locator(ROWS).evaluate_all("rows => rows.map(r => r.dataset.ticketUrl)")
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(page.locator(f"{ROWS}.is-current a.ticket-link")).to_be_focused()
    expect(page.locator(f"{ROWS}.is-current")).to_have_attribute("data-ticket-url", urls[1])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlparse(page.url).path == urls[1]
    page.locator("h1").first.click()
    with page.expect_navigation():
        page.keyboard.press("j")  # on a ticket page: the next ticket of the inbox page
    assert urlparse(page.url).path == urls[2]


def test_inbox_has_no_serious_accessibility_violations(world, tickets, live_server, page, login, axe):
    open_inbox(page, live_server, login, world.agent1)
    expect(page.locator(ROWS)).to_have_count(3)

    found = blocking(axe(page))
    assert not found, describe(found)

    page.goto(f"{live_server.url}/bandeja/buscar/?q=dominio")
    found = blocking(axe(page))
    assert not found, describe(found)


def test_the_inbox_fits_a_phone(world, tickets, new_page, live_server, login):
    phone = new_page(**PHONE)
    open_inbox(phone, live_server, login, world.agent1)

    expect(phone.locator(ROWS)).to_have_count(3)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    # The table scrolls inside its own box instead.
    assert phone.evaluate("document.querySelector('.table-scroll').scrollWidth") > 375
