"""Coaching reports: each public reply an agent sends is checked once more as it went out, with
the findings the composer had shown (gone by then = fixed before sending); the report counts them
per agent or team, an agent sees only their own, and the CSV says the same as the page."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from atiende.accounts.services import system_actor
from atiende.core.exceptions import Forbidden
from atiende.replycheck import selectors, services
from atiende.replycheck.models import SentFinding, SentReply
from atiende.tickets.services import message_create

pytestmark = pytest.mark.django_db
GOOD = "Hola, Ana:\n\nYa quedó configurado tu dominio; ya puedes entrar a tu tienda.\n\nSaludos,\nUlises"


@pytest.fixture(autouse=True)
def _fresh_cache(world):
    for customer in (world.customer_a, world.customer_b):
        customer.language = "es-mx"  # they read Spanish (these tests' pages are in English)
        customer.save(update_fields=["language"])
    cache.clear()
    yield
    cache.clear()


def send(world, author, body, capture, **kwargs):
    with capture(execute=True):
        return message_create(actor=author, ticket=kwargs.pop("ticket", world.ticket_a), body=body, **kwargs)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def findings_of(message):
    return {(f.code, f.fixed, f.count) for f in SentFinding.objects.filter(reply__message=message)}


def test_a_sent_reply_is_recorded_with_what_was_left_in_it(world, django_capture_on_commit_callbacks):
    shouted = send(world, world.agent1, "TE AVISAMOS PRONTO", django_capture_on_commit_callbacks)
    reply = SentReply.objects.get(message=shouted)
    assert (reply.agent, reply.team, reply.language) == (world.agent1, world.team1, "es")
    assert findings_of(shouted) == {("all_caps", False, 1), ("no_greeting", False, 1), ("no_closing", False, 1),
                                    ("vague_time", False, 1)}
    clean = send(world, world.agent1, GOOD, django_capture_on_commit_callbacks)
    assert SentReply.objects.filter(message=clean).exists() and findings_of(clean) == set()


def test_what_the_composer_showed_and_was_gone_when_sent_counts_as_fixed(world, django_capture_on_commit_callbacks):
    page = signed_in(world.agent1)
    url = f"/bandeja/tickets/{world.ticket_a.number}/revisar-respuesta/"
    assert page.post(url, {"body": "TE AVISAMOS PRONTO", "kind": "public"}).status_code == 200
    assert page.post(url, {"body": "Hola, Ana:\n\nTe avisamos pronto.\n\nSaludos,\nUlises", "kind": "public"}).status_code == 200
    sent = send(world, world.agent1, "Hola, Ana:\n\nTe avisamos mañana a las 10:00.\n\nSaludos,\nUlises",
                django_capture_on_commit_callbacks)
    assert findings_of(sent) == {("all_caps", True, 1), ("no_greeting", True, 1), ("no_closing", True, 1),
                                 ("vague_time", True, 1)}
    # The next reply on the ticket starts a new draft: nothing carried over.
    again = send(world, world.agent1, GOOD, django_capture_on_commit_callbacks)
    assert findings_of(again) == set()


def test_notes_customers_and_the_system_are_not_coached(world, django_capture_on_commit_callbacks):
    send(world, world.agent1, "NOTA INTERNA PRONTO", django_capture_on_commit_callbacks, internal=True)
    send(world, world.customer_a.user, "SIGUE SIN FUNCIONAR", django_capture_on_commit_callbacks)
    send(world, system_actor("automation"), "Te avisamos pronto", django_capture_on_commit_callbacks)
    assert not SentReply.objects.exists()


def test_recording_twice_keeps_one_record(world, django_capture_on_commit_callbacks):
    sent = send(world, world.agent1, "TE AVISAMOS PRONTO", django_capture_on_commit_callbacks)
    assert services.sent_reply_record(message_id=sent.pk, seen=["spelling"]) == SentReply.objects.get(message=sent)
    assert SentReply.objects.count() == 1 and len(findings_of(sent)) == 4


def test_the_report_counts_per_agent_and_team_and_agents_see_only_themselves(world, django_capture_on_commit_callbacks):
    for body in ("TE AVISAMOS PRONTO", GOOD, "Hola, Ana:\n\nLo revisamos lo antes posible.\n\nSaludos,\nUlises"):
        send(world, world.agent1, body, django_capture_on_commit_callbacks)
    send(world, world.agent2, "Hola, Bruno:\n\nYa quedó tu factura.\n\nSaludos,\nDiana", django_capture_on_commit_callbacks,
         ticket=world.ticket_b)
    today = timezone.localdate()
    period = {"since": today - timedelta(days=7), "until": today}
    report = selectors.coaching_report(viewer=world.supervisor, **period)
    rows = {row.label: row for row in report.rows}
    assert set(rows) == {"Ulises Uno", "Diana Dos"}
    ulises = rows["Ulises Uno"]
    assert (ulises.replies, ulises.with_findings) == (3, 2)
    assert ulises.found == {"all_caps": 1, "no_greeting": 1, "no_closing": 1, "vague_time": 2, "no_next_step": 1}
    assert ulises.per_hundred == pytest.approx(200)
    assert (report.total.replies, rows["Diana Dos"].with_findings) == (4, 0)
    assert [value for _monday, value in report.weeks] and sum(1 for _ in report.weeks) <= 2
    teams = {row.label: row.replies for row in selectors.coaching_report(viewer=world.admin, group_by="team", **period).rows}
    assert teams == {"Soporte general": 3, "Especialistas": 1}
    own = selectors.coaching_report(viewer=world.agent2, **period)
    assert [row.label for row in own.rows] == ["Diana Dos"] and own.total.replies == 1
    with pytest.raises(Forbidden):
        selectors.coaching_report(viewer=world.collaborator, **period)
    assert selectors.coaching_report(viewer=world.supervisor, since=today + timedelta(days=1),
                                     until=today + timedelta(days=2)).total.replies == 0


def test_the_page_and_its_csv(world, django_capture_on_commit_callbacks):
    send(world, world.agent1, "TE AVISAMOS PRONTO", django_capture_on_commit_callbacks)
    page = signed_in(world.supervisor)
    response = page.get("/bandeja/revisor-de-respuestas/coaching/")
    assert response.status_code == 200 and "Ulises Uno" in response.content.decode()
    download = page.get("/bandeja/revisor-de-respuestas/coaching/?formato=csv")
    assert download.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[1][:4] == ["Ulises Uno", "1", "1", "400.0"]
    assert page.get("/bandeja/revisor-de-respuestas/coaching/?desde=ayer").status_code == 400
    assert page.get("/bandeja/revisor-de-respuestas/coaching/?agrupar=planeta").status_code == 400
    assert signed_in(world.customer_a.user).get("/bandeja/revisor-de-respuestas/coaching/").status_code in (302, 403, 404)
    assert signed_in(world.collaborator).get("/bandeja/revisor-de-respuestas/coaching/").status_code == 404
