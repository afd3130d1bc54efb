"""The satisfaction survey of a WhatsApp request goes into its WhatsApp conversation (a text
with the link) while the 24-hour window is open; after it, or refused by Meta, by email."""

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

from .conftest import envelope, post, text_message

pytestmark = pytest.mark.django_db

WA_ID = "5215512345678"


@pytest.fixture
def ticket(number, graph, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post(Client(), number, envelope(messages=[text_message("wamid.IN", WA_ID, "Mi pedido no llegó")]))
    found = Ticket.objects.get(channel=Channel.WHATSAPP)
    Identity.objects.create(customer=found.requester, kind="email", value="lupita@example.mx")
    ticket_update(actor=world.agent1, ticket=found, changes={"status": "solved"}, details={"outcome": "solved"})
    graph.requests.clear()
    mail.outbox.clear()
    return found


def send_due(capture, hours=1.1):
    with frozen_at(clock.now() + timedelta(hours=hours)), capture(execute=True):
        return services.surveys_send_due()


def test_within_24_hours_the_link_goes_by_whatsapp(ticket, graph, django_capture_on_commit_callbacks):
    assert send_due(django_capture_on_commit_callbacks) == 1
    assert Survey.objects.get(ticket=ticket).channel == "whatsapp"
    [request] = graph.requests
    assert request["json"]["to"] == WA_ID and request["json"]["type"] == "text"
    assert "/soporte/encuesta/" in request["json"]["text"]["body"]
    assert mail.outbox == []


def test_after_24_hours_it_goes_by_email(ticket, graph, django_capture_on_commit_callbacks):
    send_due(django_capture_on_commit_callbacks, hours=25)
    assert Survey.objects.get(ticket=ticket).channel == "email"
    assert graph.requests == [] and [m.to for m in mail.outbox] == [["lupita@example.mx"]]


def test_refused_by_meta_it_goes_by_email(ticket, graph, django_capture_on_commit_callbacks):
    graph.answers.append((400, {"error": {"message": "(#131047) Re-engagement message", "code": 131047}}))
    send_due(django_capture_on_commit_callbacks)
    assert Survey.objects.get(ticket=ticket).channel == "email"
    assert [m.to for m in mail.outbox] == [["lupita@example.mx"]]
