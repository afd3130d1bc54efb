"""The customer portal in a real browser: sign in, follow a request, answer it with an
attachment; a phone-sized screen; axe on the sign-in, the list and a request; the branding."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from atiende.branding.tests.images import png_bytes
from atiende.tickets.models import Attachment
from atiende.tickets.services import message_create
from conftest import PASSWORD

from .conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PORTAL_LOGIN = "/soporte/entrar/"
BLOCKING_IMPACTS = {"serious", "critical"}


def portal_sign_in(page, live_server, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{live_server.url}{PORTAL_LOGIN}")
    form = page.locator("form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert urlparse(page.url).path == "/soporte/", page.locator("[role=alert]").all_inner_texts()


def blocking(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in BLOCKING_IMPACTS]


def describe(violations: list[dict]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}" for v in violations)


def fits(page, width: int = 375) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth") <= width


def test_customer_signs_in_opens_a_request_and_replies_with_an_attachment(world, live_server, page):
    message_create(actor=world.agent1, ticket=world.ticket_a, body="¿Nos mandas una captura del error?")
    portal_sign_in(page, live_server, world.customer_a.user.email)

    expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^es", re.IGNORECASE))
    rows = page.locator("ol.requests > li")
    expect(rows).to_have_count(1)  # Ana's own request; Bruno's is another organization's
    rows.first.locator("a.request-link").click()
    expect(page).to_have_url(re.compile(rf"/soporte/solicitudes/{world.ticket_a.number}/$"))
    expect(page.locator(".conversation")).to_contain_text("¿Nos mandas una captura del error?")
    expect(page.locator(".conversation")).not_to_contain_text("¿Puedes revisar el DNS?")  # the internal note

    page.locator("#id_body").fill("Aquí está la captura.")
    page.locator("#id_attachments").set_input_files(
        files=[{"name": "captura.png", "mimeType": "image/png", "buffer": png_bytes()}])
    with page.expect_navigation():
        page.locator("#reply button[type=submit]").click()

    last = page.locator(".conversation > li").last
    expect(last).to_contain_text("Aquí está la captura.")
    expect(last.get_by_role("link", name="captura.png")).to_be_visible()
    expect(page.locator(".flash [class^=flash-]")).to_be_visible()
    attachment = Attachment.objects.get(filename="captura.png")
    assert attachment.message.ticket_id == world.ticket_a.pk and attachment.content_type == "image/png"


def test_a_customer_cannot_open_another_organizations_request_by_url(world, live_server, page):
    portal_sign_in(page, live_server, world.customer_a.user.email)
    response = page.goto(f"{live_server.url}/soporte/solicitudes/{world.ticket_b.number}/")
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text(world.ticket_b.subject)


def test_the_portal_fits_a_phone(world, live_server, new_page):
    phone = new_page(**PHONE)
    broken: list[str] = []
    phone.on("response", lambda r: r.status >= 400 and broken.append(f"{r.status} {r.url}"))
    phone.goto(f"{live_server.url}{PORTAL_LOGIN}")
    assert fits(phone)
    portal_sign_in(phone, live_server, world.customer_a.user.email)
    for path in ("/soporte/", f"/soporte/solicitudes/{world.ticket_a.number}/", "/soporte/nueva/"):
        phone.goto(f"{live_server.url}{path}")
        assert fits(phone), path
        expect(phone.locator("nav.portal-nav").get_by_role("link").first).to_be_visible()
    assert broken == []

    phone.locator("#id_subject").fill("Desde el teléfono")
    phone.locator("#id_category").select_option("question")
    phone.locator("#id_description").fill("Una pregunta corta")
    with phone.expect_navigation():
        phone.locator("form.card .actions button[type=submit]").click()
    expect(phone.locator(".confirmation")).to_contain_text("#")
    assert fits(phone)


@pytest.mark.parametrize("where", ["login", "home", "request"])
def test_portal_pages_have_no_serious_accessibility_violations(world, live_server, page, axe, where):
    if where == "login":
        page.goto(f"{live_server.url}{PORTAL_LOGIN}")
    else:
        message_create(actor=world.agent1, ticket=world.ticket_a, body="Respuesta del equipo")
        portal_sign_in(page, live_server, world.customer_a.user.email)
        if where == "request":
            page.goto(f"{live_server.url}/soporte/solicitudes/{world.ticket_a.number}/")

    found = blocking(axe(page))

    assert not found, describe(found)


def test_form_errors_are_tied_to_their_fields_and_pass_axe(world, live_server, page, axe):
    portal_sign_in(page, live_server, world.customer_a.user.email)
    page.goto(f"{live_server.url}/soporte/solicitudes/{world.ticket_a.number}/")
    with page.expect_navigation():
        page.locator("#reply button[type=submit]").click()  # an empty reply

    body = page.locator("#id_body")
    expect(body).to_have_attribute("aria-invalid", "true")
    expect(body).to_have_attribute("aria-describedby", "id_body_error")
    expect(page.locator("#id_body_error")).to_be_visible()
    assert not blocking(axe(page)), describe(blocking(axe(page)))


def test_branding_colours_and_logo_reach_the_portal(world, live_server, page, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from atiende.branding.services import branding_update

    settings.MEDIA_ROOT = tmp_path
    branding_update(actor=world.admin, changes={
        "company_name": "Tienda Ejemplo", "primary_color": "#14532d", "accent_color": "#6f2da8",
        "logo": SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png"),
    })
    page.goto(f"{live_server.url}{PORTAL_LOGIN}")

    expect(page.locator(".portal-brand")).to_contain_text("Tienda Ejemplo")
    band = page.evaluate("() => getComputedStyle(document.querySelector('.portal-band')).backgroundColor")
    button = page.evaluate("() => getComputedStyle(document.querySelector('main button')).backgroundColor")
    assert (band, button) == ("rgb(20, 83, 45)", "rgb(111, 45, 168)")
    assert page.evaluate("() => document.querySelector('.portal-brand img').naturalWidth") == 1
