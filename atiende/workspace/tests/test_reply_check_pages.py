"""The reply checker in the ticket page: the composer's findings panel (agents who see the ticket;
internal notes not checked) and the settings page (administrators)."""

from __future__ import annotations

import pytest
from django.utils import translation

from atiende.replycheck import selectors
from atiende.replycheck.models import CheckerSettings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings, world):
    """Pages in English (the msgids), replies checked in the customer's Spanish."""
    settings.LANGUAGE_CODE = "en"  # requests too (the locale middleware falls back to it)
    world.customer_a.language = "es-mx"
    world.customer_a.save(update_fields=["language"])
    with translation.override("en"):
        yield


def panel_url(world):
    return f"/bandeja/tickets/{world.ticket_a.number}/revisar-respuesta/"


def test_the_panel_lists_findings_with_their_fixes(world, page_client):
    page = page_client(world.agent1).post(panel_url(world), {"body": "TE AVISAMOS PRONTO", "kind": "public",
                                                            "attachments": "0"}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('class="finding"') == 4
    assert 'data-code="all_caps"' in html and 'data-code="vague_time"' in html
    assert 'data-fix="Te avisamos pronto"' in html and 'data-fix="Hola, Ana:"' in html
    assert "data-needs-confirmation" not in html


def test_a_clean_reply_and_an_internal_note(world, page_client):
    client = page_client(world.agent1)
    clean = "Hola, Ana:\n\nYa quedó tu dominio; ya puedes entrar.\n\nSaludos,\nUlises"
    assert "The checker has no suggestions." in client.post(panel_url(world), {"body": clean, "kind": "public"}).content.decode()
    note = client.post(panel_url(world), {"body": "TE AVISAMOS PRONTO", "kind": "internal"})
    assert note.status_code == 200 and note.content.decode().strip() == ""


def test_attachments_count_and_confirmation_codes(world, page_client):
    CheckerSettings.objects.update_or_create(pk=1, defaults={"confirm_codes": ["missing_attachment"]})
    client = page_client(world.agent1)
    body = "Hola, Ana:\n\nTe adjunto la factura; revísala y me dices.\n\nSaludos,\nUlises"
    missing = client.post(panel_url(world), {"body": body, "kind": "public", "attachments": "0"}).content.decode()
    assert 'data-needs-confirmation="missing_attachment"' in missing
    attached = client.post(panel_url(world), {"body": body, "kind": "public", "attachments": "1"}).content.decode()
    assert "The checker has no suggestions." in attached


@pytest.mark.parametrize("who", ["agent2", "customer", "collaborator"])
def test_people_who_may_not_reply_on_the_ticket_get_nothing(world, page_client, who):
    user = {"agent2": world.agent2, "customer": world.customer_a.user, "collaborator": world.collaborator}[who]
    response = page_client(user).post(panel_url(world), {"body": "Hola", "kind": "public"})
    assert response.status_code in (302, 403, 404)
    assert b"finding" not in response.content


def test_the_ticket_page_has_the_panel_for_public_replies(world, page_client):
    page = page_client(world.agent1).get(f"/tickets/{world.ticket_a.number}/")
    assert page.status_code == 200
    assert f'data-url="{panel_url(world)}"' in page.content.decode()


def test_only_admins_configure_the_checker(world, page_client):
    for user in (world.agent1, world.supervisor):
        assert page_client(user).get("/bandeja/revisor-de-respuestas/").status_code == 404
        assert page_client(user).post("/bandeja/revisor-de-respuestas/", {"confirm_codes": ["all_caps"]}).status_code == 404
    assert selectors.confirmation_codes() == []
    admin = page_client(world.admin)
    page = admin.get("/bandeja/revisor-de-respuestas/")
    assert page.status_code == 200 and "nameservers: " in page.content.decode()
    bad = admin.post("/bandeja/revisor-de-respuestas/", {"confirm_codes": ["vague_time"], "jargon_es": "DNS sin explicación"})
    assert bad.status_code == 400 and "Line 1: write “term: plain words”." in bad.content.decode()
    assert selectors.confirmation_codes() == []
    saved = admin.post("/bandeja/revisor-de-respuestas/", {"confirm_codes": ["vague_time", "all_caps"],
                                                         "technical_segments": ["enterprise"],
                                                         "jargon_es": "DNS: tu dominio", "jargon_en": ""})
    assert saved.status_code == 302
    config = selectors.checker_settings()
    assert selectors.confirmation_codes() == ["all_caps", "vague_time"]
    assert (config.technical_segments, config.jargon_es, config.jargon_en) == (["enterprise"], "DNS: tu dominio", "")
