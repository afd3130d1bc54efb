"""POST /api/v1/replies/check/: staff only, the ticket's last customer message (as the caller may
see it), the customer's technical standing, and clear 400s for bad payloads."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from atiende.customers.models import Sector, Segment
from atiende.replycheck import selectors, services
from atiende.replycheck.models import CheckerSettings
from atiende.tickets.services import message_create

pytestmark = pytest.mark.django_db
URL = "/api/v1/replies/check/"
GOOD_ES = "Hola, Ana:\n\nYa quedó configurado tu dominio; ya puedes entrar a tu tienda.\n\nSaludos,\nUlises"


def post(world, user, payload):
    return world.client_for(user).post(URL, payload, format="json")


def test_an_agent_gets_findings_with_offsets_and_suggestions(world):
    response = post(world, world.agent1, {"text": "TE AVISAMOS PRONTO", "language": "es-MX"})
    assert response.status_code == 200
    findings = response.json()["findings"]
    assert [f["code"] for f in findings] == ["all_caps", "no_greeting", "no_closing", "vague_time"]
    assert findings[0] == {"code": "all_caps", "message": "Capitals read as shouting. Write it in normal case.",
                           "start": 0, "end": 18, "suggestions": ["Te avisamos pronto"]}
    assert findings[3]["start"] == 12 and findings[3]["end"] == 18


def test_a_good_reply_comes_back_clean_in_both_languages(world):
    assert post(world, world.agent1, {"text": GOOD_ES, "language": "es"}).json() == {"findings": []}
    good_en = "Hi Ana,\n\nYour domain works again; you can open your store now.\n\nBest regards,\nUlises"
    assert post(world, world.agent2, {"text": good_en, "language": "en"}).json() == {"findings": []}


def test_customer_message_given_or_taken_from_the_ticket(world):
    text = "Hola, Ana:\n\nYa renovamos tu dominio; puedes verlo en tu panel.\n\nSaludos,\nUlises"
    asked = "¿Cuánto cuesta otra cuenta de correo?"
    given = post(world, world.agent1, {"text": text, "language": "es", "customer_message": asked}).json()
    assert [f["code"] for f in given["findings"]] == ["unanswered_question"]
    message_create(actor=world.customer_a.user, ticket=world.ticket_a, body=asked)
    message_create(actor=world.agent1, ticket=world.ticket_a, body="¿Ya tienes la factura?", internal=True)
    taken = post(world, world.agent1, {"text": text, "language": "es", "ticket": world.ticket_a.pk,
                                       "customer_message": "ignored with a ticket"}).json()
    assert [f["code"] for f in taken["findings"]] == ["unanswered_question"]
    assert asked in taken["findings"][0]["message"]


def test_a_ticket_the_agent_may_not_see_is_a_404(world):
    response = post(world, world.agent2, {"text": GOOD_ES, "language": "es", "ticket": world.ticket_a.pk})
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("who", ["customer", "collaborator", "anonymous"])
def test_only_people_who_write_to_customers_may_check(world, who):
    user = {"customer": world.customer_a.user, "collaborator": world.collaborator, "anonymous": None}[who]
    response = post(world, user, {"text": "x", "language": "nope", "ticket": world.ticket_a.pk})
    assert response.status_code == (401 if who == "anonymous" else 403)


@pytest.mark.parametrize(("payload", "field"), [
    ({"language": "es"}, "text"),
    ({"text": "Hola"}, "language"),
    ({"text": "Hola", "language": "fr"}, "language"),
    ({"text": "Hola", "language": "es", "attachments": -1}, "attachments"),
    ({"text": "Hola", "language": "es", "attachments": "dos"}, "attachments"),
    ({"text": "Hola", "language": "es", "ticket": "x"}, "ticket"),
    ({"text": 12, "language": "es"}, "text"),
    ({"text": "a" * (selectors.MAX_TEXT + 1), "language": "es"}, "text"),
])
def test_bad_payloads_are_a_400_naming_the_field(world, payload, field):
    response = post(world, world.agent1, payload)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_jargon_only_for_customers_who_are_not_technical(world):
    text = "Hola, Ana:\n\nCambiamos los nameservers; mañana a las 10:00 te confirmo.\n\nSaludos,\nUlises"
    payload = {"text": text, "language": "es", "ticket": world.ticket_a.pk}
    assert [f["code"] for f in post(world, world.agent1, payload).json()["findings"]] == ["jargon"]
    sector = Sector.objects.create(key="hosting-resellers", name="Revendedores de hosting")
    world.org_a.sector = sector
    world.org_a.save()
    _configure(world, technical_sectors=[sector])
    assert post(world, world.agent1, payload).json()["findings"] == []
    _configure(world, technical_segments=[Segment.PYME])  # org A is a PyME
    assert post(world, world.agent1, payload).json()["findings"] == []
    _configure(world)
    assert [f["code"] for f in post(world, world.agent1, payload).json()["findings"]] == ["jargon"]


def test_the_check_reads_little_from_the_database(world):
    selectors.checker_settings()
    client = world.client_for(world.agent1)
    client.post(URL, {"text": GOOD_ES, "language": "es", "ticket": world.ticket_a.pk}, format="json")
    with CaptureQueriesContext(connection) as queries:
        response = client.post(URL, {"text": GOOD_ES, "language": "es", "ticket": world.ticket_a.pk}, format="json")
    assert response.status_code == 200
    assert len(queries) <= 12, [q["sql"] for q in queries]


def _configure(world, **values):
    defaults = {"confirm_codes": [], "technical_segments": [], "technical_sectors": [], "company_terms": "",
                "jargon_es": CheckerSettings().jargon_es, "jargon_en": CheckerSettings().jargon_en}
    return services.checker_settings_update(actor=world.admin, **(defaults | values))


def test_settings_are_for_administrators_and_validated(world):
    from atiende.core.exceptions import Forbidden, Invalid
    with pytest.raises(Forbidden):
        services.checker_settings_update(actor=world.supervisor, confirm_codes=[], technical_segments=[],
                                         technical_sectors=[], company_terms="", jargon_es="", jargon_en="")
    with pytest.raises(Invalid) as bad_code:
        _configure(world, confirm_codes=["shouting"])
    assert "confirm_codes" in bad_code.value.fields
    with pytest.raises(Invalid) as bad_line:
        _configure(world, jargon_es="DNS: tu dominio\nsolo un término")
    assert bad_line.value.fields == {"jargon_es": "Line 2: write “term: plain words”."}
    with pytest.raises(Invalid):
        _configure(world, technical_segments=["hackers"])
    config = _configure(world, confirm_codes=["vague_time", "all_caps", "vague_time"], company_terms="Hosteamax")
    assert config.confirm_codes == ["vague_time", "all_caps"]
    assert selectors.confirmation_codes() == ["all_caps", "vague_time"]
    assert CheckerSettings.objects.count() == 1


def test_the_company_glossary_applies_to_the_check(world):
    text = "Hola, Ana:\n\nTu plan hosteamax ya quedó activo.\n\nSaludos,\nUlises"
    assert [f["code"] for f in post(world, world.agent1, {"text": text, "language": "es"}).json()["findings"]] == [
        "spelling"]
    _configure(world, company_terms="Hosteamax\nOtraMarca")
    assert post(world, world.agent1, {"text": text, "language": "es"}).json()["findings"] == []
