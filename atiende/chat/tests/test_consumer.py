"""The visitor's websocket through the whole ASGI stack: who may connect, messages both ways,
the agent's typing, and the 1 MB refusal."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator
from channels.db import database_sync_to_async

from atiende.asgi import application
from atiende.chat.consumers import NOT_ALLOWED
from atiende.chat.models import ChatSession
from atiende.live.services import Activity, presence_record
from atiende.tickets.models import ChannelReceipt, Message
from atiende.tickets.services import message_create

from .conftest import ORIGIN

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _fresh_channel_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


class Socket(ApplicationCommunicator):
    def __init__(self, public_id: str, token: str, origin: str = ORIGIN) -> None:
        super().__init__(application, {
            "type": "websocket", "path": f"/ws/chat/{public_id}/", "query_string": f"token={token}".encode(),
            "headers": [(b"host", b"atiende.example"), (b"origin", origin.encode())], "subprotocols": [],
        })

    async def open(self) -> dict:
        await self.send_input({"type": "websocket.connect"})
        assert (await self.receive_output(2))["type"] == "websocket.accept"
        return await self.next()

    async def send(self, data) -> None:
        await self.send_input({"type": "websocket.receive", "text": data if isinstance(data, str) else json.dumps(data)})

    async def next(self, timeout: float = 2) -> dict:
        output = await self.receive_output(timeout)
        if output["type"] == "websocket.close":
            return {"closed": output.get("code")}
        return json.loads(output["text"])

    async def leave(self) -> None:
        await self.send_input({"type": "websocket.disconnect", "code": 1000})
        await self.wait(2)


def run(scenario) -> None:
    async_to_sync(scenario)()


@pytest.fixture
def started(visitor, online):
    assert visitor.start().status_code == 201
    return visitor


def test_a_wrong_token_or_origin_is_closed_with_4403(started):
    async def scenario():
        for socket in (Socket(started.id, "otro"), Socket(started.id, started.token, origin="https://evil.example"),
                       Socket("nadie", started.token)):
            assert await socket.open() == {"closed": NOT_ALLOWED}

    run(scenario)


def test_messages_both_ways_over_the_socket(world, started):
    ticket = ChatSession.objects.get(public_id=started.id).ticket
    socket = Socket(started.id, started.token)

    async def scenario():
        ready = await socket.open()
        assert ready["type"] == "ready" and ready["state"] == "queued"
        await socket.send({"type": "message", "id": "w1", "text": "¿Y a Progreso?"})
        frames = [await socket.next(), await socket.next()]
        sent = next(f for f in frames if f["type"] == "sent")
        assert sent["id"] == "w1" and sent["message"]["text"] == "¿Y a Progreso?"
        assert {f["type"] for f in frames} == {"sent", "message"}  # the ticket's event comes back too
        reply = await database_sync_to_async(message_create)(actor=world.agent1, ticket=ticket, body="También.")
        await database_sync_to_async(message_create)(actor=world.agent1, ticket=ticket, body="secreto", internal=True)
        shown = await socket.next()
        assert shown == {"type": "message", "message": {**shown["message"], "id": reply.pk, "text": "También.",
                                                        "author": "Ulises", "mine": False}}
        assert await socket.receive_nothing(0.5)  # the internal note never reaches the visitor
        await socket.leave()

    run(scenario)


def test_the_agent_typing_on_the_ticket_page_is_shown(world, started):
    session = ChatSession.objects.get(public_id=started.id)
    newest = Message.objects.filter(ticket=session.ticket).latest("pk").pk
    socket = Socket(started.id, started.token)

    async def scenario():
        await socket.open()
        await database_sync_to_async(presence_record)(ticket_id=session.ticket_id, user=world.agent1, connection="t1",
                                                      activity=Activity.TYPING, seconds=60)
        typing = await socket.next()
        assert typing["type"] == "typing" and typing["typing"] is True
        assert typing["read_id"] == newest  # the agent saw it
        await socket.leave()

    run(scenario)


def test_a_one_megabyte_frame_is_an_error_frame_and_nothing_is_stored(started):
    socket = Socket(started.id, started.token)
    receipts = ChannelReceipt.objects.count()

    async def scenario():
        await socket.open()
        await socket.send({"type": "message", "id": "big", "text": "a" * 1024 * 1024})
        error = await socket.next()
        assert error["type"] == "error" and error["code"] == "message_too_large"
        await socket.send({"type": "message", "id": "big2", "text": "a" * 5001})
        assert (await socket.next())["code"] == "message_too_large"
        await socket.send("no es json")
        assert (await socket.next())["code"] == "bad_frame"
        await socket.send({"type": "message", "id": "ok", "text": "sigo aquí"})  # the socket still works
        assert (await socket.next())["type"] in ("sent", "message")
        await socket.leave()

    run(scenario)
    assert ChannelReceipt.objects.count() == receipts + 1


def test_an_event_for_agents_pages_only_is_ignored(started):
    from channels.layers import get_channel_layer

    from atiende.core.broadcast import ticket_group

    ticket_id = ChatSession.objects.get(public_id=started.id).ticket_id
    socket = Socket(started.id, started.token)

    async def scenario():
        await socket.open()
        await get_channel_layer().group_send(ticket_group(ticket_id), {"type": "call.ringing", "ticket_id": ticket_id})
        assert await socket.receive_nothing(0.3)
        await socket.send({"type": "ping"})
        assert await socket.receive_nothing(0.1)  # still alive
        await socket.leave()

    run(scenario)


def test_after_a_closed_ticket_the_socket_follows_the_follow_up(world, started):
    from atiende.tickets.services import ticket_update

    ticket = ChatSession.objects.get(public_id=started.id).ticket
    ticket_update(actor=world.admin, ticket=ticket, changes={"status": "solved"}, details={"outcome": "solved"})
    ticket_update(actor=world.admin, ticket=ticket, changes={"status": "closed"})
    socket = Socket(started.id, started.token)

    async def scenario():
        await socket.open()
        await socket.send({"type": "message", "id": "w9", "text": "¿Siguen ahí?"})
        sent = await socket.next()
        assert sent["type"] == "sent"
        follow_up = await database_sync_to_async(lambda: ChatSession.objects.get(public_id=started.id).ticket)()
        assert follow_up.pk != ticket.pk
        while not await socket.receive_nothing(0.2):
            await socket.receive_output()
        reply = await database_sync_to_async(message_create)(actor=world.agent1, ticket=follow_up, body="Sí, aquí.")
        shown = await socket.next()
        assert shown["type"] == "message" and shown["message"]["id"] == reply.pk
        await socket.leave()

    run(scenario)
