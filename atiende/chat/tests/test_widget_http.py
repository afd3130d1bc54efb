"""The widget's HTTP endpoints: starting a chat, the polling fallback, CORS, identity, refusals."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core import mail

from atiende.chat.models import ChatSession, SessionState
from atiende.core import clock
from atiende.customers.models import Identity
from atiende.tickets.models import (
    Channel,
    ChannelReceipt,
    Delivery,
    DeliveryStatus,
    Message,
    Ticket,
)
from atiende.tickets.services import message_create

from .conftest import ORIGIN, Visitor, proof

pytestmark = pytest.mark.django_db


def test_the_site_configuration_is_given_to_its_origin_only(site, online):
    ok = Visitor(site).client.get(f"/chat/api/sites/{site.key}/?lang=en")
    assert ok.status_code == 200
    assert ok["Access-Control-Allow-Origin"] == ORIGIN
    assert ok.json()["available"] is True
    assert ok.json()["phrases"]["open"] == "Chat with us"
    other = Visitor(site, origin="https://evil.example").client.get(f"/chat/api/sites/{site.key}/?lang=en")
    assert other.status_code == 403
    assert other.json()["error"]["code"] == "chat_origin_refused"
    assert "Access-Control-Allow-Origin" not in other
    assert Visitor(site).client.get("/chat/api/sites/nope/").status_code == 404


def test_spanish_pages_get_spanish_words(site, online):
    response = Visitor(site).client.get(f"/chat/api/sites/{site.key}/?lang=es-MX")
    assert response.json()["phrases"]["send"] in ("Send", "Enviar")  # catalogues are filled on merge


def test_a_preflight_is_answered(site):
    response = Visitor(site).client.options(f"/chat/api/sites/{site.key}/sessions/",
                                            HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert response.status_code == 204
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert "Authorization" in response["Access-Control-Allow-Headers"]


def test_a_visitor_starts_a_chat_which_is_a_chat_ticket(world, visitor, online):
    response = visitor.start()
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "queued" and body["notice"] == ""
    assert body["socket"].endswith(f"/ws/chat/{body['id']}/")
    assert [m["text"] for m in body["messages"]] == ["¿Tienen envío a Mérida?"]
    session = ChatSession.objects.get(public_id=body["id"])
    ticket = session.ticket
    assert ticket.channel == Channel.CHAT and ticket.team == world.team1
    assert ticket.subject == "¿Tienen envío a Mérida?"
    assert session.page_url == "https://tienda.example/envios"
    # Without the site's proof the visitor is an opaque chat identity, whatever email they typed.
    assert list(Identity.objects.filter(customer=ticket.requester).values_list("kind", "value")) == [("chat", session.visitor_id)]
    assert session.token_sha256 != body["token"]


def test_a_signed_in_visitor_proved_by_the_site_joins_their_customer(world, visitor, online):
    response = visitor.start(email="ana@tienda-a.mx", proof=proof("Ana@Tienda-A.mx"))
    assert response.status_code == 201, response.content
    ticket = ChatSession.objects.get(public_id=visitor.id).ticket
    assert ticket.requester == world.customer_a


def test_a_wrong_proof_is_refused_and_nothing_stored(world, visitor, online):
    tickets = Ticket.objects.count()
    response = visitor.start(email="ana@tienda-a.mx", proof=proof("otra@tienda-a.mx"))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "chat_identity_invalid"
    assert Ticket.objects.count() == tickets and not ChatSession.objects.exists()


def test_another_origin_cannot_start_a_chat(site, online):
    response = Visitor(site, origin="https://evil.example").start()
    assert response.status_code == 403 and not ChatSession.objects.exists()
    assert Visitor(site, origin="").start().status_code == 403


def test_nobody_available_needs_an_email_and_says_when(site):
    response = Visitor(site).start(email="")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "chat_email_required"
    assert not ChatSession.objects.exists()
    response = Visitor(site).start()
    assert response.status_code == 201
    assert "email" in response.json()["notice"]
    assert ChatSession.objects.get().offline is True


def test_visitor_messages_and_the_agents_reply_by_polling(world, visitor, online, django_capture_on_commit_callbacks):
    visitor.start()
    sent = visitor.post("messages", {"text": "Soy de Mérida centro", "id": "m2"})
    assert sent.status_code == 201 and sent.json()["message"]["mine"] is True
    again = visitor.post("messages", {"text": "Soy de Mérida centro", "id": "m2"})  # a retry: taken in once
    assert again.status_code == 201
    session = ChatSession.objects.get(public_id=visitor.id)
    assert Message.objects.filter(ticket=session.ticket).count() == 2
    last = visitor.messages().json()["messages"][-1]["id"]
    with django_capture_on_commit_callbacks(execute=True):
        reply = message_create(actor=world.agent1, ticket=session.ticket, body="Sí, en 2 días hábiles.")
    message_create(actor=world.agent1, ticket=session.ticket, body="Nota: revisar tarifa", internal=True)
    polled = visitor.messages(after=last).json()
    assert [(m["text"], m["author"], m["mine"]) for m in polled["messages"]] == [("Sí, en 2 días hábiles.", "Ulises", False)]
    delivery = Delivery.objects.get(message=reply)
    assert delivery.channel == "chat" and delivery.status == DeliveryStatus.SENT
    assert visitor.post("read", {"id": reply.pk}).status_code == 200
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.READ


def test_a_one_megabyte_message_is_refused_and_nothing_stored(visitor, online):
    visitor.start()
    receipts = ChannelReceipt.objects.count()
    response = visitor.post("messages", {"text": "a" * 1024 * 1024, "id": "big"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "message_too_large"
    assert response["Access-Control-Allow-Origin"] == ORIGIN  # the widget can read the refusal
    assert ChannelReceipt.objects.count() == receipts
    just_over = visitor.post("messages", {"text": "a" * 5001, "id": "big2"})
    assert just_over.status_code == 413 and ChannelReceipt.objects.count() == receipts


@pytest.mark.parametrize("raw", ["not json", "[1]", '{"text": 5, "id": "x"}', '{"text": "hola", "id": "no spaces"}'])
def test_malformed_messages_are_clear_refusals(visitor, online, raw):
    visitor.start()
    response = visitor.post("messages", {}, raw=raw)
    assert response.status_code == 400
    assert response.json()["error"]["code"] in ("parse_error", "invalid")


def test_a_wrong_token_sees_nothing(visitor, online):
    visitor.start()
    visitor.token = "otro"
    response = visitor.messages()
    assert response.status_code == 403 and "Mérida" not in response.content.decode()
    assert visitor.post("messages", {"text": "hola", "id": "x1"}).status_code == 403


def test_replies_go_by_email_once_the_visitor_left(world, visitor, online, django_capture_on_commit_callbacks):
    visitor.start()
    assert visitor.post("end", {}).json()["state"] == "ended"
    session = ChatSession.objects.get(public_id=visitor.id)
    assert visitor.post("messages", {"text": "otra", "id": "late"}).status_code == 409
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reply = message_create(actor=world.agent1, ticket=session.ticket, body="Le escribimos por correo.")
    assert [m.to for m in mail.outbox] == [["valeria@correo.example"]]
    assert session.ticket.reference in mail.outbox[0].subject
    assert Delivery.objects.get(message=reply).external_id == f"chat-email:{reply.pk}"


def test_a_silent_visitor_gets_replies_by_email(world, visitor, online, django_capture_on_commit_callbacks):
    visitor.start()
    ChatSession.objects.filter(public_id=visitor.id).update(visitor_seen_at=clock.now() - timedelta(minutes=5))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        message_create(actor=world.agent1, ticket=ChatSession.objects.get().ticket, body="¿Sigue ahí?")
    assert len(mail.outbox) == 1


def test_the_transcript_goes_to_the_visitor(visitor, online, django_capture_on_commit_callbacks):
    visitor.start()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert visitor.post("transcript", {}).status_code == 200
    assert len(mail.outbox) == 1 and "¿Tienen envío a Mérida?" in mail.outbox[0].body
    for _attempt in range(2):
        visitor.post("transcript", {})
    assert visitor.post("transcript", {}).status_code == 409


def test_state_shows_the_agent_after_accepting(world, visitor, online):
    from atiende.chat.services import session_accept

    visitor.start()
    session = ChatSession.objects.get()
    session_accept(actor=world.agent1, session_id=session.pk)
    state = visitor.messages().json()
    assert state["state"] == SessionState.ACTIVE and state["agent"] == "Ulises"
    assert json.loads(json.dumps(state))["agent_typing"] is False


def test_files_both_ways(world, visitor, online):
    from django.core.files.uploadedfile import SimpleUploadedFile

    visitor.start()
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 64
    sent = visitor.client.post(f"/chat/api/sessions/{visitor.id}/files/?lang=en",
                               {"file": SimpleUploadedFile("foto.png", png, "image/png"), "id": "f1"},
                               HTTP_AUTHORIZATION=f"Bearer {visitor.token}")
    assert sent.status_code == 201, sent.content
    [mine] = sent.json()["message"]["files"]
    assert mine["name"] == "foto.png" and mine["size"] == len(png)
    session = ChatSession.objects.get()
    from django.core.files.uploadedfile import SimpleUploadedFile as Upload

    reply = message_create(actor=world.agent1, ticket=session.ticket, body="Aquí la guía",
                           uploads=[Upload("guia.pdf", b"%PDF-1.4 guia", "application/pdf")])
    note = message_create(actor=world.agent1, ticket=session.ticket, body="interno", internal=True,
                          uploads=[Upload("interno.txt", b"secreto")])
    [theirs] = [m for m in visitor.messages().json()["messages"] if m["id"] == reply.pk][0]["files"]
    got = visitor.client.get(f"/chat/api/sessions/{visitor.id}/files/{theirs['id']}/", HTTP_AUTHORIZATION=f"Bearer {visitor.token}")
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"%PDF-1.4 guia"
    assert got["Access-Control-Allow-Origin"] == ORIGIN
    hidden = note.attachments.get().public_id
    assert visitor.client.get(f"/chat/api/sessions/{visitor.id}/files/{hidden}/",
                              HTTP_AUTHORIZATION=f"Bearer {visitor.token}").status_code == 404
    assert visitor.client.get(f"/chat/api/sessions/{visitor.id}/files/{theirs['id']}/",
                              HTTP_AUTHORIZATION="Bearer otro").status_code == 403


def test_a_file_over_the_cap_is_refused(settings, visitor, online):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.ATTACHMENT_MAX_BYTES = 100
    visitor.start()
    receipts = ChannelReceipt.objects.count()
    response = visitor.client.post(f"/chat/api/sessions/{visitor.id}/files/?lang=en",
                                   {"file": SimpleUploadedFile("big.txt", b"a" * 200), "id": "f2"},
                                   HTTP_AUTHORIZATION=f"Bearer {visitor.token}")
    assert response.status_code == 413 and ChannelReceipt.objects.count() == receipts


def test_the_visitors_current_page_follows_them(visitor, online):
    visitor.start()
    assert visitor.post("page", {"page_url": "https://tienda.example/pagar", "page_title": "Pagar"}).status_code == 200
    session = ChatSession.objects.get()
    assert (session.page_url, session.page_title) == ("https://tienda.example/pagar", "Pagar")
    visitor.post("page", {"page_url": "javascript:alert(1)", "page_title": "x"})
    session.refresh_from_db()
    assert session.page_url == "https://tienda.example/pagar"


def test_a_gone_visitor_without_email_keeps_the_reply_in_the_chat(world, site, online, django_capture_on_commit_callbacks):
    visitor = Visitor(site)
    visitor.start(email="")
    session = ChatSession.objects.get()
    ChatSession.objects.filter(pk=session.pk).update(visitor_seen_at=clock.now() - timedelta(minutes=5))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reply = message_create(actor=world.agent1, ticket=session.ticket, body="Cuando vuelva, aquí estará.")
    assert mail.outbox == []
    delivery = Delivery.objects.get(message=reply)
    assert (delivery.status, delivery.external_id) == (DeliveryStatus.SENT, f"chat:{reply.pk}")
    assert visitor.messages().json()["messages"][-1]["text"] == "Cuando vuelva, aquí estará."
