"""The privacy settings page: the admin publishes the notice, sets the rules and sees the dry run."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client

from atiende.core import clock
from atiende.core.retention import KINDS
from atiende.privacy.models import PrivacyNotice, RetentionRule
from atiende.tickets.models import Attachment, Message

pytestmark = pytest.mark.django_db


def admin_client(world) -> Client:
    client = Client()
    client.force_login(world.admin)
    return client


def rules_post(**enabled) -> dict[str, str]:
    data = {f"{key}-{name}": value for key in KINDS for name, value in (("amount", "2"), ("unit", "years"))}
    for key, (amount, unit) in enabled.items():
        data.update({f"{key}-enabled": "on", f"{key}-amount": str(amount), f"{key}-unit": unit})
    return data


def test_the_admin_publishes_a_version_and_sees_it_listed(world):
    client = admin_client(world)
    assert client.get("/bandeja/privacidad/").status_code == 200
    response = client.post("/bandeja/privacidad/", {"body_es": "# Aviso\n\nTratamos tus datos.", "body_en": ""})
    assert (response.status_code, response["Location"]) == (302, "/bandeja/privacidad/")
    page = client.get("/bandeja/privacidad/").content.decode()
    assert 'href="/privacidad/version/1/"' in page and "Tratamos tus datos." in page  # the form starts from it
    refused = client.post("/bandeja/privacidad/", {"body_es": "  ", "body_en": "Only English"})
    assert refused.status_code == 400 and PrivacyNotice.objects.count() == 1


def test_rules_from_the_page_and_the_dry_run_button_change_nothing(world):
    from atiende.tickets.services import ticket_update

    with clock.frozen_at(datetime(2020, 1, 1, tzinfo=UTC)):
        ticket_update(actor=world.admin, ticket=world.ticket_a, changes={"status": "closed"})
    client = admin_client(world)
    saved = client.post("/bandeja/privacidad/retencion/", rules_post(ticket_messages=(1, "years")))
    assert saved.status_code == 302
    assert list(RetentionRule.objects.filter(enabled=True).values_list("kind", "amount", "unit")) == [
        ("ticket_messages", 1, "years")]
    bad = client.post("/bandeja/privacidad/retencion/", rules_post(audit_log=(0, "days")))
    assert bad.status_code == 400 and not RetentionRule.objects.filter(kind="audit_log", enabled=True).exists()
    texts = list(Message.objects.values_list("body_text", flat=True))
    page = client.get("/bandeja/privacidad/retencion/prueba/")
    assert page.status_code == 200
    row = page.content.decode().split('id="dry-run"', 1)[1]
    assert f"#{world.ticket_a.number}" in row and "<td>2</td>" in row  # the ticket's two messages
    assert list(Message.objects.values_list("body_text", flat=True)) == texts
    assert Attachment.objects.count() == 0


def test_people_who_are_not_admins_get_a_404(world):
    for user in (world.supervisor, world.agent1):
        client = Client()
        client.force_login(user)
        assert client.get("/bandeja/privacidad/").status_code == 404
        assert client.post("/bandeja/privacidad/retencion/", rules_post(audit_log=(1, "days"))).status_code == 404
    assert not RetentionRule.objects.exists()
