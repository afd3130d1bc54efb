"""The product's own words to customers pass the reply checker in both languages (issue 17): the
acknowledgement greets by the name the customer goes by and signs as the team, and no automatic
message promises "as soon as possible"."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from atiende.replycheck import rules
from atiende.sla.models import Calendar
from atiende.sla.services.policies import policy_create
from atiende.tickets import service_levels
from atiende.tickets.notifications import acknowledgement_text
from atiende.tickets.services import ticket_create

pytestmark = pytest.mark.django_db
FALLBACK = "A person from our team will read it and answer you here."


def _findings(text: str, language: str) -> list[str]:
    return [f.code for f in rules.check(rules.Draft(text=text, language=language, customer_name="Rosy"))]


@pytest.mark.parametrize(("locale", "language"), [("es-mx", "es"), ("en", "en")])
def test_the_acknowledgement_passes_the_checker_with_a_promise_and_without(world, locale, language):
    policy_create(actor=world.admin, name="Estándar", targets={"first_response": {
        "minutes": 240, "calendar": Calendar.objects.get(name="Horario de oficina (CDMX)").pk}})
    world.customer_a.preferred_name = "Rosy"
    world.customer_a.save()
    ticket = ticket_create(actor=world.customer_a.user, subject="No me llegan los correos", body="Desde ayer")
    with translation.override(locale):
        promise = service_levels.promise(ticket, ticket.created_at, "America/Mexico_City")
        assert promise
        for expectation in (promise, _(FALLBACK)):
            text = acknowledgement_text(name=world.customer_a.greeting_name, ref=ticket.reference,
                                        subject=ticket.subject, expectation=expectation, team="Soporte general")
            assert _findings(text, language) == [], text
            assert (text.startswith("Hola, Rosy:") if language == "es" else text.startswith("Hello Rosy,"))
            assert "Rosy" in text and "Ana" not in text.split("\n")[0]


def test_the_greeting_name_is_what_they_go_by_or_their_first_name(world):
    customer = world.customer_a
    customer.name, customer.preferred_name = "Rosa María Hernández Vega", ""
    assert customer.greeting_name == "Rosa"
    customer.preferred_name = "Rosy"
    assert customer.greeting_name == "Rosy"


@pytest.mark.parametrize(("locale", "language"), [("es-mx", "es"), ("en", "en")])
def test_no_automatic_message_promises_as_soon_as_possible(locale, language):
    with translation.override(locale):
        for msgid in (FALLBACK,
                      "We are taking longer than we promised. A person from our team is on it and will answer you here.",
                      "Nobody can answer live right now. A person from our team will read your message and answer it "
                      "by email."):
            assert "vague_time" not in _findings(_(msgid), language), _(msgid)
