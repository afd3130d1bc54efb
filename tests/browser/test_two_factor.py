"""Two-step verification in a real browser: enrolment from the QR page (the key read off the
page, as an authenticator app would), then signing out and in again with a code."""

from __future__ import annotations

import base64
import binascii
import time
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from atiende.signin import totp
from conftest import PASSWORD

from .conftest import LOGIN_PATH

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ENROL_PATH = "/bandeja/cuenta/dos-pasos/activar/"
VERIFY_PATH = "/cuenta/dos-pasos/"
BLOCKING_IMPACTS = {"serious", "critical"}


def _key_from_page(page) -> str:
    """The hex key behind the base32 secret the page shows for typing in by hand."""
    shown = page.locator("[data-secret]").inner_text().replace(" ", "")
    padded = shown + "=" * (-len(shown) % 8)
    return binascii.hexlify(base64.b32decode(padded)).decode()


def _blocking(violations: list[dict]) -> list[str]:
    return [f"{v['id']}: {v['help']}" for v in violations if v["impact"] in BLOCKING_IMPACTS]


def test_enrol_then_sign_in_with_a_code(world, live_server, page, login, axe):
    login(page, live_server, world.agent1.email, PASSWORD)
    page.goto(f"{live_server.url}{ENROL_PATH}")
    expect(page.locator(".qr-code svg")).to_be_visible()
    assert not _blocking(axe(page))
    key = _key_from_page(page)

    page.locator("input[name=code]").fill(totp.code_at(key, time.time()))
    with page.expect_navigation():
        page.locator("form").filter(has=page.locator("input[name=code]")).locator("button[type=submit]").click()
    expect(page.locator("[data-recovery-codes] li")).to_have_count(10)

    with page.expect_navigation():
        page.locator("form[action='/cuenta/salir/'] button").first.click()
    page.goto(f"{live_server.url}{LOGIN_PATH}")
    page.locator("input[name=email]").fill(world.agent1.email)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form").filter(has=page.locator("input[name=password]")).locator("button[type=submit]").click()
    assert urlparse(page.url).path == VERIFY_PATH
    assert not _blocking(axe(page))

    page.locator("input[name=code]").fill("000000" if totp.code_at(key, time.time() + 30) != "000000" else "111111")
    with page.expect_navigation():
        page.locator("input[name=code]").press("Enter")
    expect(page.locator("[role=alert]").first).to_be_visible()
    assert urlparse(page.url).path == VERIFY_PATH

    # The enrolment used this step's code: the app's next one (within the tolerance) signs in.
    page.locator("input[name=code]").fill(totp.code_at(key, time.time() + 30))
    with page.expect_navigation():
        page.locator("input[name=code]").press("Enter")
    assert urlparse(page.url).path == "/bandeja/"
    expect(page.get_by_role("row").filter(has_text=world.ticket_a.subject)).to_be_visible()
