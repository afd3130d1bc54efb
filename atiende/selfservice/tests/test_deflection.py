"""Deflection in the portal: suggestions while typing, "Sí, esto lo resolvió", no ticket."""

from __future__ import annotations

import pytest
from django.test import Client

from atiende.kb import services as kb_services
from atiende.search.models import MissedQuery
from atiende.selfservice.models import Deflection, DeflectionSource
from atiende.selfservice.selectors import deflection_report
from atiende.tickets.models import Ticket


def page(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user, backend="atiende.accounts.backends.EmailBackend")
    return client


@pytest.fixture
def articles(world):
    def make(title, body, visibility="public", language="es"):
        return kb_services.article_create(actor=world.agent1, title=title, body=body, status="published",
                                          visibility=visibility, language=language)
    return {
        "mail": make("Configurar el correo en Outlook", "Abre Outlook y agrega tu cuenta de correo."),
        "internal": make("Correo: procedimiento interno", "Reinicia el buzón desde el panel.", "internal"),
        "english": make("Set up mail in Outlook", "Open Outlook and add your mail account.", language="en"),
    }


def test_suggestions_follow_visibility_and_language(world, articles):
    response = page(world.customer_a.user).get("/soporte/nueva/sugerencias/", {"subject": "correo outlook"})
    assert response.status_code == 200
    body = response.content.decode()
    assert articles["mail"].title in body
    assert articles["internal"].title not in body and articles["english"].title not in body
    english = page(world.customer_a.user).get("/soporte/nueva/sugerencias/", {"subject": "mail outlook"},
                                              HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200


@pytest.mark.parametrize("subject", ["", "\x00", "&|!\"*NEAR", "x" * 10_000])
def test_suggestions_survive_odd_input(world, articles, subject):
    response = page(world.customer_a.user).get("/soporte/nueva/sugerencias/", {"subject": subject, "description": subject})
    assert response.status_code == (400 if "\x00" in subject else 200)  # NUL bytes: refused by the middleware


def test_suggestions_are_for_signed_in_customers(world, articles):
    assert page().get("/soporte/nueva/sugerencias/", {"subject": "correo"}).status_code == 302
    assert page(world.agent1).get("/soporte/nueva/sugerencias/", {"subject": "correo"}).status_code == 302


def test_yes_this_solved_it_records_a_deflection_and_no_ticket(world, articles):
    tickets = Ticket.objects.count()
    response = page(world.customer_a.user).post("/soporte/nueva/resuelta/", {"article": articles["mail"].pk,
                                                                              "subject": "no me jala el correo"})
    assert response.status_code == 302 and response["Location"] == "/soporte/"
    deflection = Deflection.objects.get()
    assert (deflection.source, deflection.article, deflection.customer, deflection.question, deflection.language) == (
        DeflectionSource.PORTAL, articles["mail"], world.customer_a, "no me jala el correo", "es")
    assert Ticket.objects.count() == tickets


@pytest.mark.parametrize("raw", ["internal", "", "abc", "9" * 30, "-1", "0"])
def test_deflection_of_an_article_the_customer_cannot_see_is_404(world, articles, raw):
    article = str(articles["internal"].pk) if raw == "internal" else raw
    response = page(world.customer_a.user).post("/soporte/nueva/resuelta/", {"article": article})
    assert response.status_code == 404
    assert Deflection.objects.count() == 0


def test_search_help_without_javascript_shows_suggestions_and_writes_nothing(world, articles):
    tickets = Ticket.objects.count()
    response = page(world.customer_a.user).post("/soporte/nueva/", {"subject": "correo outlook", "description": "",
                                                                     "search_help": "1"})
    assert response.status_code == 200
    assert articles["mail"].title in response.content.decode()
    assert Ticket.objects.count() == tickets


def test_a_request_nothing_answers_is_a_search_without_results(world, articles):
    client = page(world.customer_a.user)
    client.post("/soporte/nueva/", {"subject": "Factura con RFC equivocado", "description": "Necesito corregirla", "category": "billing"})
    client.post("/soporte/nueva/", {"subject": "Correo en Outlook", "description": "No sé configurarlo", "category": "problem"})
    assert list(MissedQuery.objects.values_list("kind", "text", "times")) == [
        ("portal-request", "factura con rfc equivocado", 1)]
    assert Ticket.objects.filter(subject__startswith="Factura con RFC").count() == 1


def test_report_counts_deflections_against_requests(world, articles):
    client = page(world.customer_a.user)
    client.post("/soporte/nueva/resuelta/", {"article": articles["mail"].pk, "subject": "correo"})
    client.post("/soporte/nueva/", {"subject": "Factura con RFC equivocado", "description": "Necesito corregirla", "category": "billing"})
    kb_services.vote_record(actor=world.customer_a.user, article=articles["mail"], helpful=False)
    report = deflection_report(viewer=world.admin)
    assert (report.deflected, report.requests, report.rate) == (1, 1, 0.5)
    assert [(v.title, v.helpful, v.unhelpful) for v in report.votes] == [(articles["mail"].title, 0, 1)]
    assert page(world.admin).get("/bandeja/autoservicio/").status_code == 200
    assert page(world.agent1).get("/bandeja/autoservicio/").status_code == 404
