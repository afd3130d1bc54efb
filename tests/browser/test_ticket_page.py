"""The agent's ticket page in a real browser: reply with an attachment, change the status
without a reload, refer the ticket, drop a file on the composer, and axe finds nothing serious."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from atiende.tickets.models import Message, Ticket
from conftest import PASSWORD

from .conftest import PHONE
from .test_smoke import blocking, describe

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def open_ticket(page, live_server, login, world, ticket: Ticket | None = None):
    ticket = ticket or world.ticket_a
    login(page, live_server, world.agent1.email, PASSWORD)
    page.goto(f"{live_server.url}/tickets/{ticket.number}/")
    expect(page.locator("#ticket-title")).to_contain_text(ticket.subject)
    page.evaluate("() => { window.__sameDocument = true; }")  # gone if anything reloads the page
    return ticket


def same_document(page) -> bool:
    return page.evaluate("() => window.__sameDocument === true")


def test_agent_replies_with_an_attachment_changes_status_and_refers_without_reloading(world, live_server, page, login):
    ticket = open_ticket(page, live_server, login, world)

    # Reply with a file chosen through the picker.
    page.locator("#composer-body").fill("Ya revisamos el DNS; adjunto la prueba.")
    page.locator("#composer-attachments").set_input_files(
        files=[{"name": "prueba-dns.txt", "mimeType": "text/plain", "buffer": b"tienda-a.mx A 203.0.113.7\n"}]
    )
    expect(page.locator("#composer-files")).to_contain_text("prueba-dns.txt")
    page.locator("#composer-send").click()
    expect(page.locator("#composer-feedback .notice")).to_be_visible()
    reply = Message.objects.get(ticket=ticket, body_text="Ya revisamos el DNS; adjunto la prueba.")
    item = page.locator(f"#item-m{reply.pk}")
    expect(item).to_contain_text("Ya revisamos el DNS")
    expect(item.get_by_role("link", name="prueba-dns.txt")).to_be_visible()
    expect(page.locator("#composer-body")).to_have_value("")
    expect(page.locator("#composer-last-message-id")).to_have_value(str(reply.pk))
    assert same_document(page)

    # Change the status in the properties panel: it saves on change.
    page.locator("#prop-status").select_option("pending_customer")
    expect(page.locator("#properties-notice")).to_be_visible()
    expect(page.locator("#ticket-header .status-pill")).to_contain_text("En espera del cliente")
    assert Ticket.objects.get(pk=ticket.pk).status == "pending_customer"
    assert same_document(page)

    # Refer it to a colleague with a note.
    page.locator("#refer-collaborator").select_option(str(world.supervisor.pk))
    page.locator("#refer-note").fill("¿Puedes confirmar con el registrador?")
    page.locator("#action-refer").click()
    expect(page.locator("#actions-notice")).to_contain_text("Sara Supervisora")
    referred = Ticket.objects.get(pk=ticket.pk)
    assert referred.collaborators.filter(pk=world.supervisor.pk).exists() and referred.assignee_id is None
    note = Message.objects.get(ticket=ticket, body_text="¿Puedes confirmar con el registrador?")
    expect(page.locator(f"#item-m{note.pk}")).to_contain_text("¿Puedes confirmar con el registrador?")
    assert same_document(page)


def test_a_file_dropped_on_the_composer_joins_the_picker(world, live_server, page, login):
    open_ticket(page, live_server, login, world)
    page.evaluate(
        """() => {
            const data = new DataTransfer();
            data.items.add(new File(["hola"], "soltado.txt", {type: "text/plain"}));
            const target = document.querySelector("#composer-body");
            for (const type of ["dragenter", "dragover", "drop"]) {
                target.dispatchEvent(new DragEvent(type, {dataTransfer: data, bubbles: true, cancelable: true}));
            }
        }"""
    )
    assert page.evaluate("() => document.querySelector('#composer-attachments').files[0].name") == "soltado.txt"
    expect(page.locator("#composer-files")).to_contain_text("soltado.txt")


def test_shortcut_links_switch_the_composer_to_a_note(world, live_server, page, login):
    open_ticket(page, live_server, login, world)
    page.locator('[data-shortcut="n"]').click()
    expect(page.locator("#composer-kind-internal")).to_be_checked()
    expect(page.locator("#composer")).to_have_class("composer card mode-internal")
    expect(page.locator("#composer-body")).to_be_focused()
    page.locator('[data-shortcut="r"]').click()
    expect(page.locator("#composer-kind-public")).to_be_checked()


def test_a_stale_reply_is_held_until_confirmed(world, live_server, page, login):
    ticket = open_ticket(page, live_server, login, world)
    from atiende.tickets.services import message_create

    newer = message_create(actor=world.customer_a.user, ticket=ticket, body="¿Ya quedó?")
    page.locator("#composer-body").fill("Estamos en ello")
    page.locator("#composer-send").click()
    warning = page.locator("#composer-feedback .stale-warning")
    expect(warning).to_contain_text("¿Ya quedó?")
    assert not Message.objects.filter(body_text="Estamos en ello").exists()
    expect(page.locator("#composer-last-message-id")).to_have_value(str(newer.pk))
    page.locator("#composer-confirm").click()
    expect(page.locator("#composer-feedback .notice")).to_be_visible()
    assert Message.objects.filter(ticket=ticket, body_text="Estamos en ello").count() == 1


def test_ticket_page_has_no_serious_accessibility_violations(world, live_server, page, login, axe):
    open_ticket(page, live_server, login, world)
    found = blocking(axe(page))
    assert not found, describe(found)


def test_ticket_page_fits_a_phone(world, live_server, new_page, login):
    phone = new_page(**PHONE)
    open_ticket(phone, live_server, login, world)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_colleague_s_change_refreshes_header_and_panel_in_place(world, asgi_server, new_page, login):
    from atiende.accounts.services import token_issue

    page, ticket = new_page(), world.ticket_a
    login(page, asgi_server, world.agent1.email, PASSWORD)
    with page.expect_websocket(lambda ws: f"/ws/tickets/{ticket.pk}/" in ws.url):
        page.goto(f"{asgi_server.url}/tickets/{ticket.number}/")
    expect(page.locator("html[data-live=socket]")).to_be_attached(timeout=15_000)  # joined: the server greeted it
    page.evaluate("() => { window.__sameDocument = true; }")

    # The colleague changes it through the API (the server's thread: the event leaves from there).
    token = token_issue(user=world.admin)
    changed = page.request.patch(f"{asgi_server.url}/api/v1/tickets/{ticket.pk}/",
                                 headers={"Authorization": f"Token {token}"}, data={"priority": "urgent"})
    assert changed.status == 200, changed.text()

    expect(page.locator("#prop-priority")).to_have_value("urgent")
    expect(page.locator("#ticket-header")).to_contain_text("Urgente")
    expect(page.locator("#presence")).not_to_contain_text("Reload")
    assert same_document(page)
