"""The satisfaction survey of a Telegram request goes into its Telegram chat (a message with the
link), through the channel port; refused there, by email when the customer has an address."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client

from atiende.core import clock
from atiende.core.clock import frozen_at
from atiende.customers.models import Identity
from atiende.feedback import services
from atiende.feedback.models import Survey
from atiende.tickets.models import Channel, Ticket
from atiende.tickets.services import ticket_update

from .conftest import USER_ID, message, post, update

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(bot, botapi, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post(Client(), bot, update(1, message(1, "Hola, mi pedido no llegó")))
    found = Ticket.objects.get(channel=Channel.TELEGRAM)
    ticket_update(actor=world.agent1, ticket=found, changes={"status": "solved"}, details={"outcome": "solved"})
    botapi.requests.clear()
    mail.outbox.clear()
    return found


def send_due(capture):
    with frozen_at(clock.now() + timedelta(minutes=61)), capture(execute=True):
        return services.surveys_send_due()


def test_the_survey_link_goes_into_the_telegram_chat(ticket, botapi, django_capture_on_commit_callbacks):
    assert send_due(django_capture_on_commit_callbacks) == 1
    survey = Survey.objects.get(ticket=ticket)
    assert (survey.state, survey.channel) == ("sent", "telegram")
    [request] = botapi.calls("sendMessage")
    assert request["json"]["chat_id"] == str(USER_ID)
    text = request["json"]["text"]
    assert ticket.reference in text and "/soporte/encuesta/" in text
    assert mail.outbox == []
    path = text[text.index("/soporte/encuesta/"):].split()[0]
    assert Client().get(path).status_code == 200  # the same scanner-safe page as the email's


def test_a_blocked_bot_falls_back_to_email(ticket, botapi, django_capture_on_commit_callbacks):
    Identity.objects.create(customer=ticket.requester, kind="email", value="jose@example.mx")
    botapi.answers["sendMessage"] = [(403, {"ok": False, "error_code": 403,
                                            "description": "Forbidden: bot was blocked by the user"})]
    send_due(django_capture_on_commit_callbacks)
    assert Survey.objects.get(ticket=ticket).channel == "email"
    assert [m.to for m in mail.outbox] == [["jose@example.mx"]]


def test_without_an_address_the_portal_keeps_it(ticket, botapi, django_capture_on_commit_callbacks):
    botapi.answers["sendMessage"] = [(403, {"ok": False, "error_code": 403, "description": "Forbidden"})]
    send_due(django_capture_on_commit_callbacks)
    assert (Survey.objects.get(ticket=ticket).state, Survey.objects.get(ticket=ticket).channel) == ("sent", "portal")
    assert mail.outbox == []
