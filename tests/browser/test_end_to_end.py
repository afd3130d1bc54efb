"""The issue's "done means" as one story, in a real browser over real websockets (the ASGI server):

1. Ulises (agent, team 1) signs in, filters the inbox by priority, opens Ana's ticket, replies in
   public and refers the ticket to Carlos with a note.
2. Meanwhile Sara (supervisor) has the same ticket open: she sees Ulises there and typing, then
   his reply appear, without reloading.
3. Ana signs in to the portal, reads the reply, answers with an attachment; Ulises's open page
   shows her answer without reloading.
4. Ana cannot open another organization's request by URL.

Every page runs in es-MX. With ATIENDE_SCREENSHOTS=1 the test also writes the README's
screenshots to docs/screenshots/ (off by default, so CI never rewrites them).
"""

from __future__ import annotations

import os
import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from atiende.customers.models import Segment
from atiende.customers.services import customer_create, organization_create
from atiende.tickets.models import Attachment, Channel, Message, MessageKind, Ticket
from atiende.tickets.services import ticket_create, ticket_update
from conftest import PASSWORD

from .conftest import PHONE, ROOT
from .test_live import phrase

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LIVE_MS = 10_000  # a live update crosses two sockets; leave room on a slow machine
SCREENSHOTS = ROOT / "docs" / "screenshots"
ROWS = "#inbox-rows tr[data-ticket-url]"


def screenshot(page, name: str) -> None:
    if os.environ.get("ATIENDE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.evaluate("() => window.scrollTo(0, 0)")  # actions scroll the page; show it from the top
        page.screenshot(path=str(SCREENSHOTS / name), full_page=False, animations="disabled")


def seed(world) -> Ticket:
    """A believable team-1 queue; returns Ana's high-priority ticket, the one the story follows."""
    ferreteria = organization_create(actor=None, name="Ferretería Hidalgo", segment=Segment.PYME)
    lucia = customer_create(name="Lucía Hidalgo", identities={"email": "lucia@ferreteria-hidalgo.mx"},
                            organization=ferreteria, password=PASSWORD)
    make = {"actor": world.admin, "team": world.team1}
    ticket_create(subject="Factura CFDI duplicada", requester=world.colleague_a, channel=Channel.EMAIL,
                  body="Nos llegaron dos CFDI con el mismo folio por el pago de octubre.", **make)
    ticket_create(subject="Certificado SSL vencido", requester=lucia, priority="urgent", channel=Channel.EMAIL,
                  body="El navegador marca el sitio como inseguro desde hoy.", **make)
    ticket_create(subject="Cambio de plan a Empresarial", requester=world.org_admin_a, priority="low",
                  body="Queremos pasar al plan Empresarial el próximo mes.", **make)
    ticket_create(subject="El correo rebota al escribir a Gmail", requester=lucia, channel=Channel.PHONE,
                  body="Los mensajes a cuentas de Gmail regresan con error 550.", **make)
    # Ana's own words, as the portal would file them; the team routes and prioritizes it.
    mine = ticket_create(actor=world.customer_a.user, subject="No resuelve el dominio tienda-a.mx", channel=Channel.PORTAL,
                         body="Desde esta mañana la tienda no abre: «no se encuentra el servidor».")
    return ticket_update(actor=world.admin, ticket=mine, changes={"team": world.team1, "priority": "high"})


def agent_page(new_page, asgi_server, login, user):
    page = new_page()
    login(page, asgi_server, user.email, PASSWORD)
    return page


def portal_page(new_page, asgi_server, email: str, **context):
    page = new_page(**context)
    page.goto(f"{asgi_server.url}/soporte/entrar/")
    form = page.locator("form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert urlparse(page.url).path == "/soporte/", page.locator("[role=alert]").all_inner_texts()
    return page


def open_ticket_live(page, asgi_server, ticket: Ticket) -> None:
    """Open the ticket page and wait until its socket has joined (the server greets with the
    presence list), so nothing sent afterwards can be missed."""
    with page.expect_websocket(lambda ws: f"/ws/tickets/{ticket.pk}/" in ws.url):
        page.goto(f"{asgi_server.url}/tickets/{ticket.number}/")
    expect(page.locator("html[data-live=socket]")).to_be_attached(timeout=15_000)  # joined: the server greeted it
    expect(page.locator("#ticket-title")).to_contain_text(ticket.subject)
    page.evaluate("() => { window.__sameDocument = true; }")  # gone if anything reloads the page


def same_document(page) -> bool:
    return page.evaluate("() => window.__sameDocument === true")


def test_agent_customer_and_colleague_work_one_ticket_end_to_end(world, asgi_server, new_page, login):
    ticket = seed(world)

    # 1. Ulises filters his inbox by priority and opens Ana's ticket from the list.
    uno = agent_page(new_page, asgi_server, login, world.agent1)
    uno.goto(f"{asgi_server.url}/bandeja/")
    expect(uno.locator("html")).to_have_attribute("lang", re.compile(r"^es", re.IGNORECASE))
    rows = uno.locator(ROWS)
    expect(rows).to_have_count(6)  # the five above and the fixture's; team 2's is not his
    expect(uno.locator("#inbox-rows")).not_to_contain_text(world.ticket_b.subject)
    expect(uno.locator("label[for=filter-priority]")).to_have_text("Prioridad")
    # The views' counts arrive just after the page.
    expect(uno.locator(".view-link[href$='?view=open'] .count")).to_contain_text("6")
    screenshot(uno, "inbox.png")

    uno.select_option("#filter-priority", "high")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(ticket.subject)
    expect(rows.first.locator(".priority-high")).to_have_text("Alta")
    expect(uno).to_have_url(re.compile(r"/bandeja/\?.*priority=high"))
    with uno.expect_websocket(lambda ws: f"/ws/tickets/{ticket.pk}/" in ws.url):
        rows.first.locator("a.ticket-link").click()
    expect(uno.locator("html[data-live=socket]")).to_be_attached(timeout=15_000)  # joined: the server greeted it
    expect(uno).to_have_url(re.compile(rf"/tickets/{ticket.number}/$"))
    expect(uno.locator("#ticket-title")).to_contain_text(ticket.subject)
    uno.evaluate("() => { window.__sameDocument = true; }")

    # 2. Sara has the same ticket open: each sees the other, and she sees him typing.
    sara = agent_page(new_page, asgi_server, login, world.supervisor)
    open_ticket_live(sara, asgi_server, ticket)
    presence = sara.locator("#presence")
    expect(presence).to_contain_text(phrase(sara, "data-viewing-one", "Ulises Uno"), timeout=LIVE_MS)
    expect(uno.locator("#presence")).to_contain_text(phrase(uno, "data-viewing-one", "Sara Supervisora"), timeout=LIVE_MS)

    uno.locator("#composer-kind-public").check()
    reply_text = "Hola Ana, el registro A apuntaba a un servidor anterior; ya lo corregimos."
    uno.locator("#composer-body").press_sequentially("Hola Ana, el registro A ", delay=40)
    expect(presence).to_contain_text(phrase(sara, "data-typing-one", "Ulises Uno"), timeout=LIVE_MS)
    uno.locator("#composer-body").press_sequentially(reply_text.removeprefix("Hola Ana, el registro A "))
    uno.locator("#composer-send").click()
    expect(uno.locator("#composer-feedback .notice")).to_be_visible()
    reply = Message.objects.get(ticket=ticket, body_text=reply_text)
    assert reply.kind == MessageKind.PUBLIC
    expect(uno.locator(f"#item-m{reply.pk}")).to_contain_text(reply_text)

    expect(sara.locator(f"#timeline > li#item-m{reply.pk}")).to_contain_text(reply_text, timeout=LIVE_MS)
    expect(presence).not_to_contain_text(phrase(sara, "data-typing-one", "Ulises Uno"), timeout=LIVE_MS)
    assert same_document(sara)

    # Ulises refers the ticket to Carlos with a note; he stays the one who answers.
    uno.locator("#refer-collaborator").select_option(str(world.collaborator.pk))
    uno.locator("#refer-note").fill("Carlos, ¿puedes revisar la zona DNS con el registrador?")
    uno.locator("#action-refer").click()
    expect(uno.locator("#actions-notice")).to_contain_text("Carlos Colabora")
    note = Message.objects.get(ticket=ticket, body_text="Carlos, ¿puedes revisar la zona DNS con el registrador?")
    assert note.kind == MessageKind.INTERNAL
    expect(uno.locator(f"#item-m{note.pk}")).to_be_visible()
    expect(sara.locator(f"#timeline > li#item-m{note.pk}")).to_be_visible(timeout=LIVE_MS)
    assert Ticket.objects.get(pk=ticket.pk).collaborators.filter(pk=world.collaborator.pk).exists()
    assert same_document(uno)

    # 3. Ana reads the reply in the portal (not the internal note) and answers with a file.
    ana = portal_page(new_page, asgi_server, world.customer_a.user.email)
    expect(ana.locator("html")).to_have_attribute("lang", re.compile(r"^es", re.IGNORECASE))
    link = ana.locator(f"ol.requests a.request-link[href$='/soporte/solicitudes/{ticket.number}/']")
    expect(link).to_contain_text(ticket.subject)
    screenshot(ana, "portal.png")
    with ana.expect_navigation():
        link.click()
    conversation = ana.locator(".conversation")
    expect(conversation).to_contain_text(reply_text)
    expect(conversation).not_to_contain_text("registrador")  # the internal note stays internal

    answer_text = "¡Gracias! Ya abre, pero desde el celular todavía no. Adjunto la captura."
    ana.locator("#id_body").fill(answer_text)
    ana.locator("#id_attachments").set_input_files(files=[
        {"name": "captura-celular.txt", "mimeType": "text/plain", "buffer": b"ERR_NAME_NOT_RESOLVED tienda-a.mx\n"},
    ])
    with ana.expect_navigation():
        ana.locator("#reply button[type=submit]").click()
    last = ana.locator(".conversation > li").last
    expect(last).to_contain_text(answer_text)
    expect(last.get_by_role("link", name="captura-celular.txt")).to_be_visible()
    answer = Message.objects.get(ticket=ticket, body_text=answer_text)
    assert Attachment.objects.get(filename="captura-celular.txt").message_id == answer.pk

    # Ulises's page, still the same document, shows her answer and its file.
    item = uno.locator(f"#timeline > li#item-m{answer.pk}")
    expect(item).to_contain_text(answer_text, timeout=LIVE_MS)
    expect(item.get_by_role("link", name="captura-celular.txt")).to_be_visible()
    expect(sara.locator(f"#timeline > li#item-m{answer.pk}")).to_contain_text(answer_text, timeout=LIVE_MS)
    assert same_document(uno) and same_document(sara)
    screenshot(uno, "ticket.png")

    # 4. Another organization's request, by URL: a plain 404 that gives nothing away.
    response = ana.goto(f"{asgi_server.url}/soporte/solicitudes/{world.ticket_b.number}/")
    assert response is not None and response.status == 404
    body = ana.locator("body")
    expect(body).not_to_contain_text(world.ticket_b.subject)
    expect(body).not_to_contain_text("Me cobraron dos veces")
    expect(body).not_to_contain_text("Bruno")

    # The request page on a phone, for the README.
    if os.environ.get("ATIENDE_SCREENSHOTS") == "1":
        phone = portal_page(new_page, asgi_server, world.customer_a.user.email, **PHONE)
        phone.goto(f"{asgi_server.url}/soporte/solicitudes/{ticket.number}/")
        expect(phone.locator(".conversation")).to_contain_text(answer_text)
        screenshot(phone, "portal-phone.png")
