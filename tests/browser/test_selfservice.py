"""Self-service in a real browser: a customer types a question in the portal, opens a suggested
article, marks it solved, and no ticket exists; an agent inserts an article into a reply."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from atiende.kb.services import article_create
from atiende.selfservice.models import Deflection
from atiende.tickets.models import Ticket
from conftest import PASSWORD

from .test_portal import portal_sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_customer_solves_it_with_a_suggested_article_and_no_ticket_is_written(world, live_server, page):
    article = article_create(actor=world.agent1, title="Configurar el correo en Outlook", status="published",
                             body="Abre **Outlook**, elige *Agregar cuenta* y escribe tu contraseña.")
    tickets = Ticket.objects.count()
    portal_sign_in(page, live_server, world.customer_a.user.email)
    page.goto(f"{live_server.url}/soporte/nueva/")

    page.locator("#id_subject").press_sequentially("correo outlook", delay=20)
    suggestion = page.locator("#request-suggestions .suggestion").filter(has_text=article.title)
    expect(suggestion).to_be_visible()
    suggestion.locator("summary").click()
    expect(suggestion.locator(".help-body")).to_contain_text("Agregar cuenta")
    with page.expect_navigation():
        suggestion.locator("button.deflect-yes").click()

    expect(page).to_have_url(re.compile(r"/soporte/$"))
    assert Ticket.objects.count() == tickets
    deflection = Deflection.objects.get()
    assert (deflection.article_id, deflection.customer_id, deflection.question) == (
        article.pk, world.customer_a.pk, "correo outlook")


def test_agent_inserts_a_suggested_article_into_the_reply(world, live_server, page, login):
    article = article_create(actor=world.agent1, title="Mi dominio no resuelve: revisa el DNS", status="published",
                             body="Revisa que tu dominio apunte a nuestros servidores.")
    login(page, live_server, world.agent1.email, PASSWORD)
    page.goto(f"{live_server.url}/tickets/{world.ticket_a.number}/")
    item = page.locator(f"#article-panel [data-article-id='{article.pk}']")
    expect(item).to_be_visible()
    item.locator("[data-kb-insert]").first.click()
    expect(page.locator("#composer-body")).to_have_value(re.compile(rf"/ayuda/articulo/{article.slug}/$"))
    expect(page.locator("#composer-kind-public")).to_be_checked()
