"""The chat widget's endpoints and socket face the internet from foreign pages: hostile values in
every field, query parameter and frame give a clear 4xx (or an error frame), never a 5xx or a
crashed consumer; a signed-in cookie reaches no conversation."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import async_to_sync
from django.test import Client

from atiende.chat.models import ChatSession
from atiende.chat.services import session_start, site_create
from atiende.tickets.models import ChannelReceipt
from tests.security.sweep.values import CORPUS_CLASSES, CORPUS_JSON_SHAPES

ORIGIN = "https://tienda-a.example"
FIELDS = ("name", "email", "question", "page_url", "page_title", "proof")


@pytest.fixture
def chat(world):
    site = site_create(name="Tienda", allowed_origins=[ORIGIN], identity_secret="s", team=world.team1)
    started = session_start(site=site, origin=ORIGIN, name="Vera", email="vera@correo.example", question="Hola")
    return site, started.session, started.token


def hostile_values() -> list[object]:
    return [value for value in [*CORPUS_CLASSES, *CORPUS_JSON_SHAPES] if not isinstance(value, bytes)]


def post(client: Client, path: str, body: object, token: str = ""):
    try:
        raw = json.dumps(body)
    except ValueError:  # NaN and infinities: send them as Python writes them, which is not JSON
        raw = json.dumps(body, allow_nan=True)
    return client.post(path, raw, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.mark.django_db
def test_hostile_values_in_the_pre_chat_form_are_4xx(chat):
    site, _session, _token = chat
    client = Client(HTTP_ORIGIN=ORIGIN)
    server_errors = []
    for field in FIELDS:
        for value in hostile_values():
            body = {"name": "Vera", "email": "vera@correo.example", "question": "Hola", field: value}
            response = post(client, f"/chat/api/sites/{site.key}/sessions/", body)
            if response.status_code >= 500:
                server_errors.append((field, repr(value)[:60], response.status_code))
    assert server_errors == []


@pytest.mark.django_db
def test_hostile_values_in_a_conversation_are_4xx(chat):
    _site, session, token = chat
    client = Client(HTTP_ORIGIN=ORIGIN)
    base = f"/chat/api/sessions/{session.public_id}"
    server_errors = []
    for value in hostile_values():
        for path, body in ((f"{base}/messages/", {"text": value, "id": "x1"}), (f"{base}/messages/", {"text": "hola", "id": value}),
                           (f"{base}/read/", {"id": value}), (f"{base}/typing/", {"typing": value})):
            response = post(client, path, body, token)
            if response.status_code >= 500:
                server_errors.append((path, repr(value)[:60], response.status_code))
        if isinstance(value, str) and value.encode("utf-8", "ignore").decode() == value:
            response = client.get(f"{base}/messages/", {"after": value}, HTTP_AUTHORIZATION=f"Bearer {token}")
            if response.status_code >= 500:
                server_errors.append(("after", repr(value)[:60], response.status_code))
    for public_id in ("nope", "%00", "x" * 300, "²"):
        for token_value in ("", "x", token):
            response = post(client, f"/chat/api/sessions/{public_id}/messages/", {"text": "hola", "id": "a"}, token_value)
            assert response.status_code in (403, 404), (public_id, response.status_code)
    assert server_errors == []


@pytest.mark.django_db
def test_a_huge_body_is_refused_before_it_is_read(chat):
    _site, session, token = chat
    receipts = ChannelReceipt.objects.count()
    response = Client(HTTP_ORIGIN=ORIGIN).post(
        f"/chat/api/sessions/{session.public_id}/messages/", '{"id": "a", "text": "' + "a" * (1024 * 1024) + '"}',
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 413 and response.json()["error"]["code"] == "message_too_large"
    assert ChannelReceipt.objects.count() == receipts


CHAT_FRAMES = [
    "", "{", "null", "[]", "1", '{"type": null}', '{"type": "message"}', '{"type": "message", "text": null, "id": "a"}',
    '{"type": "message", "text": "hola", "id": ["a"]}', '{"type": "message", "text": "\\ud800", "id": "a"}',
    '{"type": "message", "text": "a\\u0000b", "id": "a"}', '{"type": "read", "id": 1e999}', '{"type": "read", "id": -1}',
    '{"type": "read", "id": 99999999999999999999999}', '{"type": "typing", "typing": {"a": 1}}', "\x00",
    "[" * 1000 + "]" * 1000, '{"type": "message", "text": "' + "x" * 2_000_000 + '", "id": "a"}',
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_frame_crashes_the_visitors_consumer_and_a_cookie_opens_nothing(chat, world, settings):
    from atiende.asgi import application
    from atiende.chat.tests.test_consumer import Socket
    from atiende.live.tests.conftest import WebsocketClient, session_cookie

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    _site, session, token = chat
    crashed = []

    async def frames() -> None:
        for text in CHAT_FRAMES:
            socket = Socket(session.public_id, token, origin=ORIGIN)
            await socket.open()
            try:
                await socket.send(text)
                while not await socket.receive_nothing(0.1):
                    await socket.receive_output()
                await socket.send({"type": "ping"})
                await socket.receive_nothing(0.05)
            except Exception as error:
                crashed.append(f"{text!r:.60}: {type(error).__name__}: {error}")
                continue
            await socket.leave()

    admin_cookie = session_cookie(world.admin)

    async def cookie() -> None:
        headers = [(b"host", b"testserver"), (b"origin", ORIGIN.encode()), (b"cookie", admin_cookie)]
        socket = WebsocketClient(application, f"/ws/chat/{session.public_id}/", headers)
        connected, _ = await socket.connect()
        assert connected
        closed = await socket.receive_output()
        assert closed == {"type": "websocket.close", "code": 4403}

    async_to_sync(frames)()
    async_to_sync(cookie)()
    assert crashed == []
    assert ChatSession.objects.get(pk=session.pk).ticket.messages.count() == 1
