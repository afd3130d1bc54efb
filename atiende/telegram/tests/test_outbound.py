"""Replies going out through sendMessage (a fake Bot API on 127.0.0.1), and what fails how."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from atiende.telegram.adapter import TelegramAdapter
from atiende.telegram.botapi import split_text
from atiende.tickets.models import Channel, Delivery, DeliveryStatus, Ticket
from atiende.tickets.services import message_create
from atiende.tickets.services.deliveries import delivery_attempt

from .conftest import BOT_TOKEN, USER_ID, message, post, update

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(bot, botapi, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post(Client(), bot, update(1, message(1, "Hola, ¿tienen envío a Mérida?")))
    botapi.requests.clear()  # the acknowledgement
    return Ticket.objects.get(channel=Channel.TELEGRAM)


def _reply(world, ticket, capture, body="Sí, llegamos a Mérida en 3 días hábiles."):
    with capture(execute=True):
        reply = message_create(actor=world.agent1, ticket=ticket, body=body)
    return Delivery.objects.get(message=reply)


def test_a_reply_is_sent_to_the_conversations_chat(ticket, botapi, world, django_capture_on_commit_callbacks):
    delivery = _reply(world, ticket, django_capture_on_commit_callbacks)
    assert (delivery.channel, delivery.status, delivery.external_id) == ("telegram", DeliveryStatus.SENT, "102")  # 101: the acknowledgement
    [request] = botapi.requests
    assert request["path"] == f"/bot{BOT_TOKEN}/sendMessage"
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["json"] == {"chat_id": str(USER_ID), "text": "Sí, llegamos a Mérida en 3 días hábiles."}


@pytest.mark.parametrize(("status", "description"), [
    (403, "Forbidden: bot was blocked by the user"), (400, "Bad Request: chat not found"),
])
def test_a_blocked_bot_or_a_missing_chat_fails_the_delivery_at_once(ticket, botapi, world, status, description,
                                                                     django_capture_on_commit_callbacks):
    botapi.answers["sendMessage"] = [(status, {"ok": False, "error_code": status, "description": description})]
    delivery = _reply(world, ticket, django_capture_on_commit_callbacks)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 1)
    assert description in delivery.failure_reason


def test_a_429_is_tried_again_with_telegrams_wait_noted(ticket, botapi, world, django_capture_on_commit_callbacks):
    botapi.answers["sendMessage"] = [(429, {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 7",
                                            "parameters": {"retry_after": 7}})]
    delivery = _reply(world, ticket, django_capture_on_commit_callbacks)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.QUEUED, 1)
    assert "Too Many Requests" in delivery.failure_reason and "7" in delivery.failure_reason


@pytest.mark.parametrize("status", [500, 502])
def test_a_5xx_is_tried_again(ticket, botapi, world, status, django_capture_on_commit_callbacks):
    botapi.answers["sendMessage"] = [(status, {"ok": False, "error_code": status, "description": "Internal Server Error"})]
    delivery = _reply(world, ticket, django_capture_on_commit_callbacks)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.QUEUED, 1)


def test_an_unreachable_api_is_tried_again_and_the_token_is_not_in_the_reason(ticket, bot, world,
                                                                               django_capture_on_commit_callbacks):
    bot.api_base = "http://127.0.0.1:9"  # discard port: nothing listens
    bot.save()
    delivery = _reply(world, ticket, django_capture_on_commit_callbacks)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.QUEUED, 1)
    assert BOT_TOKEN not in delivery.failure_reason


def test_a_tampered_api_base_is_never_called(ticket, bot, botapi, world, django_capture_on_commit_callbacks):
    type(bot).objects.filter(pk=bot.pk).update(api_base="http://169.254.169.254/latest")
    delivery = _reply(world, ticket, django_capture_on_commit_callbacks)
    assert delivery.status == DeliveryStatus.FAILED
    assert botapi.requests == []


def test_no_delivery_for_a_ticket_without_a_telegram_conversation(world):
    assert TelegramAdapter().reaches(world.ticket_a) is False


def test_a_deactivated_bot_reaches_nobody(ticket, bot):
    assert TelegramAdapter().reaches(ticket) is True
    bot.active = False
    bot.save()
    assert TelegramAdapter().reaches(ticket) is False


def test_the_bot_token_is_never_logged(ticket, botapi, world, caplog, django_capture_on_commit_callbacks):
    caplog.set_level("DEBUG")
    botapi.answers["sendMessage"] = [(500, {"ok": False, "error_code": 500, "description": "Internal Server Error"})]
    _reply(world, ticket, django_capture_on_commit_callbacks)
    _reply(world, ticket, django_capture_on_commit_callbacks, body="Otra vez")
    assert len(botapi.requests) == 2
    assert caplog.records and BOT_TOKEN not in caplog.text and BOT_TOKEN.split(":")[1] not in caplog.text


def test_a_long_reply_goes_in_parts_and_a_retry_sends_only_the_rest(ticket, botapi, world,
                                                                       django_capture_on_commit_callbacks):
    paragraphs = [f"Paso {n}: " + "revisa la configuración del dominio " * 40 for n in range(1, 8)]
    body = "\n\n".join(paragraphs)  # about 10,000 characters
    botapi.answers["sendMessage"] = [
        (200, {"ok": True, "result": {"message_id": 500, "date": 1765000100, "chat": {"id": USER_ID, "type": "private"}}}),
        (502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}),
    ]
    delivery = _reply(world, ticket, django_capture_on_commit_callbacks, body=body)
    assert (delivery.status, delivery.payload["steps_sent"]) == (DeliveryStatus.QUEUED, 1)
    delivery_attempt(delivery.pk)  # the port's retry
    delivery.refresh_from_db()
    sent = [request["json"]["text"] for request in botapi.calls("sendMessage")]
    assert (delivery.status, delivery.external_id) == (DeliveryStatus.SENT, "500")  # the first part's id
    assert sent[1] == sent[2]  # the failed part, then its retry; the first part was not sent again
    parts = [sent[0], *sent[2:]]
    assert all(len(part) <= 4096 for part in parts) and len(parts) == 4  # two paragraphs of ~1,450 each
    assert "".join("".join(part.split()) for part in parts) == "".join(body.split())
    assert parts[1].startswith("Paso ")  # cut between paragraphs


@given(st.text(alphabet=st.sampled_from("ab ñ\n😀"), max_size=300), st.integers(min_value=2, max_value=40))
def test_split_text_keeps_every_word_within_the_limit(text, limit):
    parts = split_text(text, limit)
    assert all(part and len(part.encode("utf-16-le")) // 2 <= limit for part in parts)
    assert "".join("".join(part.split()) for part in parts) == "".join(text.split())


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_attached_files_follow_the_text_and_a_retry_sends_only_the_rest(ticket, botapi, world,
                                                                        django_capture_on_commit_callbacks):
    botapi.answers["sendDocument"] = [(502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})]
    with django_capture_on_commit_callbacks(execute=True):
        reply = message_create(actor=world.agent1, ticket=ticket, body="Te mando la foto y la factura.",
                               uploads=[SimpleUploadedFile("pantalla.png", PNG, "image/png"),
                                        SimpleUploadedFile("Factura 4521.pdf", PDF, "application/pdf")])
    delivery = Delivery.objects.get(message=reply)
    assert (delivery.status, delivery.payload["steps_sent"]) == (DeliveryStatus.QUEUED, 2)
    delivery_attempt(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert [r["method"] for r in botapi.requests] == ["sendMessage", "sendPhoto", "sendDocument", "sendDocument"]
    photo, document = botapi.requests[1], botapi.requests[3]
    assert photo["json"] == {"chat_id": str(USER_ID)} and document["json"] == {"chat_id": str(USER_ID)}
    assert photo["files"]["photo"]["content"] == PNG
    assert (document["files"]["document"]["filename"], document["files"]["document"]["content"]) == (
        "Factura 4521.pdf", PDF)

