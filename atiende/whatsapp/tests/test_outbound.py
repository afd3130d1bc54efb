"""Replies going out through the Graph API (a fake one on 127.0.0.1), and what fails how."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
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


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_attached_files_are_uploaded_and_sent_after_the_text(ticket, graph, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reply = message_create(actor=world.agent1, ticket=ticket, body="Te mando la foto y la factura.",
                               uploads=[SimpleUploadedFile("pantalla.png", PNG, "image/png"),
                                        SimpleUploadedFile("Factura 4521.pdf", PDF, "application/pdf")])
    delivery = Delivery.objects.get(message=reply)
    assert (delivery.status, delivery.payload["steps_sent"]) == (DeliveryStatus.SENT, 3)
    paths = [r["path"].rsplit("/", 1)[-1] for r in graph.requests]
    assert paths == ["messages", "media", "messages", "media", "messages"]
    image_upload, image, pdf_upload, pdf = graph.requests[1:]
    assert image_upload["json"] == {"messaging_product": "whatsapp", "type": "image/png"}
    assert image_upload["files"]["file"]["content"] == PNG
    assert image_upload["headers"]["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    image_id = image["json"]["image"]["id"]
    assert image["json"]["type"] == "image" and image_id.isdigit()
    assert pdf_upload["files"]["file"]["filename"] == "Factura 4521.pdf"
    assert pdf["json"]["type"] == "document"
    assert pdf["json"]["document"]["filename"] == "Factura 4521.pdf" and pdf["json"]["document"]["id"] != image_id


def test_a_refused_upload_fails_the_delivery_after_the_text_and_a_retry_sends_only_the_file(
        ticket, graph, world, django_capture_on_commit_callbacks):
    from atiende.tickets.services.deliveries import delivery_attempt

    graph.answers.extend([
        (200, {"messaging_product": "whatsapp", "messages": [{"id": "wamid.TEXTO"}]}),
        (500, {"error": {"message": "Temporarily unavailable"}}),
    ])
    with django_capture_on_commit_callbacks(execute=True):
        reply = message_create(actor=world.agent1, ticket=ticket, body="La factura:",
                               uploads=[SimpleUploadedFile("Factura.pdf", PDF, "application/pdf")])
    delivery = Delivery.objects.get(message=reply)
    assert (delivery.status, delivery.payload["steps_sent"]) == (DeliveryStatus.QUEUED, 1)
    delivery_attempt(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.external_id) == (DeliveryStatus.SENT, "wamid.TEXTO")
    texts = [r for r in graph.requests if r["json"].get("type") == "text"]
    assert len(texts) == 1  # the text was not sent again


def test_a_long_reply_goes_in_parts_of_at_most_4096_characters(ticket, graph, world, django_capture_on_commit_callbacks):
    body = "\n\n".join(f"Paso {n}: " + "revisa los registros DNS del dominio " * 30 for n in range(1, 6))
    with django_capture_on_commit_callbacks(execute=True):
        message_create(actor=world.agent1, ticket=ticket, body=body)
    parts = [r["json"]["text"]["body"] for r in graph.requests]
    assert len(parts) == 2 and all(len(part) <= 4096 for part in parts)
    assert "".join("".join(part.split()) for part in parts) == "".join(body.split())
