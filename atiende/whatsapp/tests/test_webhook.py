"""The webhook: Meta's handshake, signed notifications stored first, messages and statuses taken in."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from atiende.customers.models import Identity
from atiende.customers.services import customer_create
from atiende.tickets.models import (
    Channel,
    ChannelReceipt,
    Delivery,
    DeliveryStatus,
    Message,
    Ticket,
)
from atiende.tickets.services import message_create
from atiende.whatsapp.models import EventState, PendingStatus, WebhookEvent

from .conftest import (
    ACCESS_TOKEN,
    PHONE_NUMBER_ID,
    VERIFY_TOKEN,
    contact,
    envelope,
    post,
    sign,
    text_message,
)

pytestmark = pytest.mark.django_db

WA_ID = "5215512345678"


def url(number) -> str:
    return f"/api/v1/channels/whatsapp/{number.pk}/webhook/"


# --- handshake ------------------------------------------------------------------------------------

def test_handshake_echoes_the_challenge_as_plain_text(number):
    response = Client().get(url(number), {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN,
                                          "hub.challenge": "1158201444"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content == b"1158201444"


@pytest.mark.parametrize(("mode", "token"), [("subscribe", "otro"), ("subscribe", ""), ("unsubscribe", VERIFY_TOKEN)])
def test_handshake_with_a_wrong_token_is_403(number, mode, token):
    response = Client().get(url(number), {"hub.mode": mode, "hub.verify_token": token, "hub.challenge": "42"})
    assert response.status_code == 403
    assert b"42" not in response.content


def test_an_inactive_or_unknown_number_has_no_webhook(number):
    number.active = False
    number.save()
    assert Client().get(url(number), {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN}).status_code == 404
    assert Client().get("/api/v1/channels/whatsapp/999999/webhook/").status_code == 404


def test_a_change_by_an_admin_reaches_the_webhook_at_once(number, world, django_capture_on_commit_callbacks):
    """The webhook keeps its number a few seconds per process; a change through the services is
    seen at once (the rotated secret refuses the old signature, a number turned off is gone)."""
    from atiende.whatsapp.services import number_update

    body = json.dumps(envelope(messages=[text_message("wamid.K", WA_ID, "hola")])).encode()
    with django_capture_on_commit_callbacks(execute=False):
        assert post(Client(), number, None, raw=body).status_code == 200  # the number is kept now
    number_update(actor=world.admin, number=number, app_secret="secreto nuevo")
    assert post(Client(), number, None, raw=body).status_code == 401
    assert post(Client(), number, None, raw=body, signature=sign(body, "secreto nuevo")).status_code == 200
    number_update(actor=world.admin, number=number, active=False)
    assert post(Client(), number, None, raw=body, signature=sign(body, "secreto nuevo")).status_code == 404


# --- messages -------------------------------------------------------------------------------------

def test_a_text_message_opens_a_ticket_for_the_number_and_is_acknowledged(number, graph, django_capture_on_commit_callbacks):
    payload = envelope(contacts=[contact(WA_ID, "José Pérez")],
                       messages=[text_message("wamid.HBgNNTIxNTUxMjM0NTY3OBUCABIYFjNFQjA", WA_ID,
                                              "¡Hola! Mi pedido llegó dañado, ¿qué hago?")])
    with django_capture_on_commit_callbacks(execute=True):
        response = post(Client(), number, payload)
    assert response.status_code == 200
    event = WebhookEvent.objects.get()
    assert event.state == EventState.PROCESSED
    assert json.loads(event.body) == payload
    ticket = Ticket.objects.get(channel=Channel.WHATSAPP)
    assert ticket.subject == "¡Hola! Mi pedido llegó dañado, ¿qué hago?"
    assert ticket.team == number.team
    assert ticket.requester.name == "José Pérez"
    assert Identity.objects.get(customer=ticket.requester, kind="whatsapp").value == "+525512345678"
    assert ticket.messages.get().body_text == "¡Hola! Mi pedido llegó dañado, ¿qué hago?"
    receipt = ChannelReceipt.objects.get(channel="whatsapp")
    assert receipt.received_at.timestamp() == 1765000000
    # The acknowledgement went back on WhatsApp, to the id the customer wrote from.
    assert len(graph.requests) == 1
    sent = graph.requests[0]
    assert sent["path"] == f"/v21.0/{PHONE_NUMBER_ID}/messages"
    assert sent["headers"]["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert sent["json"]["to"] == WA_ID and sent["json"]["type"] == "text"
    assert ticket.reference in sent["json"]["text"]["body"]


def test_a_521_number_finds_the_customer_recorded_with_52(number, django_capture_on_commit_callbacks):
    known = customer_create(name="Lucía Ramírez", identities={"phone": "+52 55 1234 5678"})
    with django_capture_on_commit_callbacks(execute=True):
        post(Client(), number, envelope(contacts=[contact(WA_ID, "Lu")], messages=[text_message("wamid.A1", WA_ID, "Buenas tardes")]))
    ticket = Ticket.objects.get(channel=Channel.WHATSAPP)
    assert ticket.requester == known
    assert known.identities.filter(kind="whatsapp", value="+525512345678").exists()


def test_meta_retries_create_nothing_twice(number, django_capture_on_commit_callbacks):
    payload = envelope(messages=[text_message("wamid.RETRY", WA_ID, "Primer mensaje")])
    with django_capture_on_commit_callbacks(execute=True):
        assert post(Client(), number, payload).status_code == 200
        assert post(Client(), number, payload).status_code == 200  # the very same body again
        # The same message inside a different notification (batched with another one).
        again = envelope(messages=[text_message("wamid.RETRY", WA_ID, "Primer mensaje"),
                                   text_message("wamid.SECOND", WA_ID, "Segundo mensaje")])
        assert post(Client(), number, again).status_code == 200
    assert WebhookEvent.objects.count() == 2
    assert Ticket.objects.filter(channel=Channel.WHATSAPP).count() == 1
    assert [m.body_text for m in Message.objects.filter(ticket__channel=Channel.WHATSAPP).order_by("pk")] == [
        "Primer mensaje", "Segundo mensaje"]


# Stored in the site's language (es-MX by default): the placeholder becomes the message's text.
@pytest.mark.parametrize(("message", "expected"), [
    ({"type": "reaction", "reaction": {"message_id": "wamid.X", "emoji": "👍"}}, "[Reacción: 👍]"),
    ({"type": "holograma", "holograma": {}}, "[Mensaje de tipo holograma, no se muestra]"),
])
def test_messages_that_are_not_text_leave_a_placeholder_naming_them(number, message, expected,
                                                                    django_capture_on_commit_callbacks):
    # English here: the es-MX words come with the catalogues (the lead's merge).
    item = {"from": WA_ID, "id": "wamid.OTHER", "timestamp": "1765000000", **message}
    with django_capture_on_commit_callbacks(execute=True):
        assert post(Client(), number, envelope(messages=[item])).status_code == 200
    assert Message.objects.get(ticket__channel=Channel.WHATSAPP).body_text == expected


def test_a_nul_in_the_text_is_dropped_and_a_bad_sender_does_not_stop_the_others(number, django_capture_on_commit_callbacks):
    payload = envelope(messages=[text_message("wamid.BAD", "no-es-un-número", "hola"),
                                 text_message("wamid.NUL", WA_ID, "ho\u0000la")])
    raw = json.dumps(payload).encode()  # the NUL escaped, as JSON allows
    assert b"\\u0000" in raw
    with django_capture_on_commit_callbacks(execute=True):
        assert post(Client(), number, None, raw=raw, signature=sign(raw)).status_code == 200
    assert Message.objects.get(ticket__channel=Channel.WHATSAPP).body_text == "hola"
    event = WebhookEvent.objects.get()
    assert event.state == EventState.FAILED
    assert event.error.startswith("wamid.BAD: ")


# --- refused, nothing stored ----------------------------------------------------------------------

def _nothing_stored():
    assert WebhookEvent.objects.count() == 0
    assert not Ticket.objects.filter(channel=Channel.WHATSAPP).exists()


@pytest.mark.parametrize("signature", [None, "", "sha256=" + "0" * 64, "sha1=abc", "SHA256"])
def test_a_missing_or_wrong_signature_is_401_and_nothing_is_stored(number, signature, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(Client(), number, envelope(messages=[text_message("wamid.X", WA_ID, "hola")]), signature=signature)
    assert response.status_code == 401
    _nothing_stored()


def test_a_body_signed_with_another_secret_is_401(number):
    body = json.dumps(envelope(messages=[text_message("wamid.X", WA_ID, "hola")])).encode()
    assert post(Client(), number, None, raw=body, signature=sign(body, "otro secreto")).status_code == 401
    _nothing_stored()


@pytest.mark.parametrize("raw", [b"{no es json", b"\xff\xfe", b"[]", b'{"object": "page", "entry": []}',
                                 b'{"object": "whatsapp_business_account", "entry": [{"changes": [{"value": {}}]}]}',
                                 b'{"object": "whatsapp_business_account"}', b"[" * 100000 + b"]" * 100000])
def test_a_malformed_body_is_400_and_nothing_is_stored(number, raw):
    response = post(Client(), number, None, raw=raw, signature=sign(raw))
    assert response.status_code == 400, response.content
    _nothing_stored()


def test_an_unknown_phone_number_id_is_400_and_nothing_is_stored(number):
    response = post(Client(), number, envelope(phone_number_id="999000111",
                                               messages=[text_message("wamid.X", WA_ID, "hola")]))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unknown_number"
    _nothing_stored()


def test_a_body_over_1_mb_is_413_and_nothing_is_stored(number):
    payload = envelope(messages=[text_message("wamid.BIG", WA_ID, "a" * (1024 * 1024))])
    response = post(Client(), number, payload)
    assert response.status_code == 413
    _nothing_stored()


# --- statuses -------------------------------------------------------------------------------------

def _status(wamid: str, status: str, **extra) -> dict:
    return {"id": wamid, "status": status, "timestamp": "1765000100", "recipient_id": WA_ID, **extra}


def _conversation(number, world, client, django_capture_on_commit_callbacks) -> Ticket:
    with django_capture_on_commit_callbacks(execute=True):
        post(client, number, envelope(messages=[text_message("wamid.IN1", WA_ID, "Necesito ayuda")]))
    return Ticket.objects.get(channel=Channel.WHATSAPP)


def test_a_status_before_its_message_is_kept_and_applied(number, graph, world, django_capture_on_commit_callbacks):
    client = Client()
    ticket = _conversation(number, world, client, django_capture_on_commit_callbacks)
    # Meta answers the reply with wamid.SALIDA2 (the acknowledgement was SALIDA1); its "delivered"
    # arrives before our own request has returned.
    with django_capture_on_commit_callbacks(execute=True):
        post(client, number, envelope(statuses=[_status("wamid.SALIDA2", "delivered")]))
    assert PendingStatus.objects.filter(external_id="wamid.SALIDA2", applied_at__isnull=True).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        reply = message_create(actor=world.agent1, ticket=ticket, body="Con gusto te ayudo, ¿me envías una foto?")
    delivery = Delivery.objects.get(message=reply)
    assert delivery.external_id == "wamid.SALIDA2"
    assert delivery.status == DeliveryStatus.DELIVERED
    assert PendingStatus.objects.get(external_id="wamid.SALIDA2").applied_at is not None
    # Later receipts move it on; a failure report carries Meta's words.
    with django_capture_on_commit_callbacks(execute=True):
        post(client, number, envelope(statuses=[_status("wamid.SALIDA2", "read")]))
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.READ


def test_a_failed_status_records_metas_reason(number, graph, world, django_capture_on_commit_callbacks):
    client = Client()
    ticket = _conversation(number, world, client, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        reply = message_create(actor=world.agent1, ticket=ticket, body="Hola")
    delivery = Delivery.objects.get(message=reply)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, number, envelope(statuses=[_status(delivery.external_id, "failed", errors=[{
            "code": 131047, "title": "Re-engagement message",
            "error_data": {"details": "Message failed to send because more than 24 hours have passed"}}])]))
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.failure_reason == ("(131047) Re-engagement message: Message failed to send because more than "
                                       "24 hours have passed")


def test_numbers_of_one_meta_app_share_a_webhook_url(number, world, graph, django_capture_on_commit_callbacks):
    from atiende.whatsapp.services import number_create

    from .conftest import APP_SECRET

    other = number_create(actor=world.admin, name="Cobranza", phone_number_id="200300400", verify_token="v",
                          app_secret=APP_SECRET, access_token="t", api_base=graph.base)
    foreign = number_create(actor=world.admin, name="Otra app", phone_number_id="900800700", verify_token="v",
                            app_secret="otro secreto", access_token="t", api_base=graph.base)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(Client(), number, envelope(phone_number_id=other.phone_number_id,
                                                   messages=[text_message("wamid.OTRO", WA_ID, "Hola cobranza")]))
    assert response.status_code == 200
    assert Ticket.objects.get(channel=Channel.WHATSAPP).channel_threads.get().thread_key == f"200300400:{WA_ID}"
    # A number of another Meta app (another secret) is not reached through this URL.
    response = post(Client(), number, envelope(phone_number_id=foreign.phone_number_id,
                                               messages=[text_message("wamid.AJENO", WA_ID, "Hola")]))
    assert response.status_code == 400
    assert WebhookEvent.objects.count() == 1


def test_the_webhook_is_limited_per_number_not_by_the_anonymous_rate(number, settings):
    # Meta sends every customer's messages from a few addresses: far more than 300 a minute.
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"] == "300/min"
    client = Client()
    codes = {post(client, number, {}, signature="sha256=00").status_code for _ in range(310)}
    assert codes == {401}


def test_past_the_ceiling_per_number_the_webhook_answers_429(number, settings):
    settings.WHATSAPP_WEBHOOK_PER_MINUTE = 3
    client = Client()
    codes = [post(client, number, {}, signature="sha256=00").status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    assert not WebhookEvent.objects.exists()
