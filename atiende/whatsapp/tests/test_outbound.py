"""Replies going out through the Graph API (a fake one on 127.0.0.1), and what fails how."""

from __future__ import annotations

import pytest
from django.test import Client

from atiende.tickets.models import Channel, Delivery, DeliveryStatus, Ticket
from atiende.tickets.services import message_create
from atiende.whatsapp.adapter import WhatsAppAdapter

from .conftest import ACCESS_TOKEN, PHONE_NUMBER_ID, envelope, post, text_message

pytestmark = pytest.mark.django_db

WA_ID = "5215512345678"


@pytest.fixture
def ticket(number, graph, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post(Client(), number, envelope(messages=[text_message("wamid.IN", WA_ID, "Hola, ¿tienen envío a Mérida?")]))
    graph.requests.clear()  # the acknowledgement
    return Ticket.objects.get(channel=Channel.WHATSAPP)


def test_a_reply_is_sent_as_a_text_message_to_the_conversations_number(ticket, graph, world,
                                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reply = message_create(actor=world.agent1, ticket=ticket, body="Sí, llegamos a Mérida en 3 días hábiles.")
    delivery = Delivery.objects.get(message=reply)
    assert (delivery.channel, delivery.status, delivery.external_id) == ("whatsapp", DeliveryStatus.SENT, "wamid.SALIDA2")  # SALIDA1: the acknowledgement
    assert len(graph.requests) == 1
    request = graph.requests[0]
    assert request["path"] == f"/v21.0/{PHONE_NUMBER_ID}/messages"
    assert request["headers"]["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["json"] == {"messaging_product": "whatsapp", "recipient_type": "individual", "to": WA_ID,
                               "type": "text", "text": {"preview_url": False,
                                                        "body": "Sí, llegamos a Mérida en 3 días hábiles."}}


def test_a_4xx_from_meta_fails_the_delivery_at_once_with_its_message(ticket, graph, world,
                                                                     django_capture_on_commit_callbacks):
    graph.answers.append((400, {"error": {"message": "(#131030) Recipient phone number not in allowed list",
                                          "type": "OAuthException", "code": 131030}}))
    with django_capture_on_commit_callbacks(execute=True):
        reply = message_create(actor=world.agent1, ticket=ticket, body="Hola")
    delivery = Delivery.objects.get(message=reply)
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 1
    assert "(#131030) Recipient phone number not in allowed list" in delivery.failure_reason


@pytest.mark.parametrize("status", [429, 500, 503])
def test_a_429_or_5xx_is_tried_again(ticket, graph, world, status, django_capture_on_commit_callbacks):
    graph.answers.append((status, {"error": {"message": "Temporarily unavailable"}}))
    with django_capture_on_commit_callbacks(execute=True):
        reply = message_create(actor=world.agent1, ticket=ticket, body="Hola")
    delivery = Delivery.objects.get(message=reply)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.QUEUED, 1)
    assert "Temporarily unavailable" in delivery.failure_reason


def test_an_unreachable_api_is_tried_again(ticket, number, world, django_capture_on_commit_callbacks):
    number.api_base = "http://127.0.0.1:9/v21.0"  # discard port: nothing listens
    number.save()
    with django_capture_on_commit_callbacks(execute=True):
        reply = message_create(actor=world.agent1, ticket=ticket, body="Hola")
    delivery = Delivery.objects.get(message=reply)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.QUEUED, 1)


def test_no_delivery_for_a_ticket_without_a_whatsapp_conversation(world):
    # ticket_a came in through the portal: WhatsApp does not serve it, and would not reach it.
    assert WhatsAppAdapter().reaches(world.ticket_a) is False


def test_a_deactivated_number_reaches_nobody(ticket, number):
    assert WhatsAppAdapter().reaches(ticket) is True
    number.active = False
    number.save()
    assert WhatsAppAdapter().reaches(ticket) is False


def test_a_redirect_from_the_api_is_not_followed(ticket, graph, world, django_capture_on_commit_callbacks):
    graph.answers.append((307, {}, {"Location": f"http://127.0.0.1:{graph.port}/elsewhere/messages"}))
    with django_capture_on_commit_callbacks(execute=True):
        reply = message_create(actor=world.agent1, ticket=ticket, body="Hola")
    assert [r["path"] for r in graph.requests] == [f"/v21.0/{PHONE_NUMBER_ID}/messages"]  # only the configured one
    delivery = Delivery.objects.get(message=reply)
    assert delivery.status != DeliveryStatus.SENT and "307" in delivery.failure_reason


def test_a_tampered_api_base_is_never_called(ticket, number, graph, world, django_capture_on_commit_callbacks):
    # Written past the service's checks (a database edit): the adapter refuses it all the same.
    type(number).objects.filter(pk=number.pk).update(api_base="http://169.254.169.254/latest")
    with django_capture_on_commit_callbacks(execute=True):
        reply = message_create(actor=world.agent1, ticket=ticket, body="Hola")
    delivery = Delivery.objects.get(message=reply)
    assert delivery.status == DeliveryStatus.FAILED
    assert graph.requests == []


def test_a_new_conversation_is_acknowledged_once_on_whatsapp_and_its_next_message_not_at_all(
        number, graph, django_capture_on_commit_callbacks):
    """The port acknowledges the tickets it opens through the channel's adapter; the WhatsApp app
    queues nothing of its own, so the customer hears once."""
    with django_capture_on_commit_callbacks(execute=True):
        post(Client(), number, envelope(messages=[text_message("wamid.A1", WA_ID, "Hola, ¿tienen envío a Mérida?")]))
    ticket = Ticket.objects.get(channel=Channel.WHATSAPP)
    assert len(graph.requests) == 1 and graph.requests[0]["json"]["to"] == WA_ID
    assert ticket.reference in graph.requests[0]["json"]["text"]["body"]
    with django_capture_on_commit_callbacks(execute=True):
        post(Client(), number, envelope(messages=[text_message("wamid.A2", WA_ID, "¿Y a Cancún?")]))
    assert len(graph.requests) == 1 and ticket.messages.count() == 2
