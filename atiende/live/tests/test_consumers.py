"""The websocket consumers through the whole ASGI stack: who may connect, presence and typing,
and which events reach whom."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db import connections
from django.test import Client

from atiende.core import clock
from atiende.core.broadcast import ticket_group
from atiende.live.consumers import NOT_ALLOWED, NOT_SIGNED_IN
from atiende.live.frames import BAD_FRAME
from atiende.tickets.models import Priority
from atiende.tickets.services import message_create, ticket_create, ticket_update

# The consumers reach the database through database_sync_to_async, which closes connections
# left inside a transaction: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NOBODY = {"type": "presence", "viewers": [], "typing": []}


def run(scenario) -> None:
    async_to_sync(scenario)()


async def close_code(socket) -> int:
    """Connect and return the code the server closed the socket with."""
    connected, _subprotocol = await socket.connect()
    assert connected  # accepted first, so the browser gets the code instead of a bare 1006
    message = await socket.receive_output()
    assert message["type"] == "websocket.close"
    await socket.disconnect()  # what the browser answers to a close
    return message["code"]


def presence(viewers=(), typing=()) -> dict:
    return {"type": "presence", "viewers": list(viewers), "typing": list(typing)}


# --- who may connect ----------------------------------------------------------------------------

def test_anonymous_visitors_are_refused_on_both_sockets(world, socket_for):
    ticket_socket = socket_for(f"/ws/tickets/{world.ticket_a.pk}/")
    inbox_socket = socket_for("/ws/inbox/")

    async def scenario():
        assert await close_code(ticket_socket) == NOT_SIGNED_IN
        assert await close_code(inbox_socket) == NOT_SIGNED_IN

    run(scenario)


def test_customers_are_refused_even_on_their_own_ticket(world, socket_for):
    ticket_socket = socket_for(f"/ws/tickets/{world.ticket_a.pk}/", user=world.customer_a.user)
    inbox_socket = socket_for("/ws/inbox/", user=world.customer_a.user)

    async def scenario():
        assert await close_code(ticket_socket) == NOT_ALLOWED
        assert await close_code(inbox_socket) == NOT_ALLOWED

    run(scenario)


def test_an_agent_of_another_team_cannot_follow_the_ticket(world, socket_for):
    other_team = socket_for(f"/ws/tickets/{world.ticket_a.pk}/", user=world.agent2)
    no_such_ticket = socket_for("/ws/tickets/999999/", user=world.admin)
    beyond_any_id = socket_for(f"/ws/tickets/{2**70}/", user=world.admin)

    async def scenario():
        assert await close_code(other_team) == NOT_ALLOWED
        assert await close_code(no_such_ticket) == NOT_ALLOWED  # same answer: existence not revealed
        assert await close_code(beyond_any_id) == NOT_ALLOWED

    run(scenario)


def test_a_page_of_another_site_cannot_open_a_socket(world, socket_for):
    socket = socket_for(f"/ws/tickets/{world.ticket_a.pk}/", user=world.agent1, origin="https://evil.example")

    async def scenario():
        connected, _code = await socket.connect()
        assert connected is False

    run(scenario)


# --- presence and typing ------------------------------------------------------------------------

def test_agents_on_the_same_ticket_see_each_other_arrive_type_and_leave(world, socket_for):
    path = f"/ws/tickets/{world.ticket_a.pk}/"
    uno, sara = socket_for(path, user=world.agent1), socket_for(path, user=world.supervisor)

    async def scenario():
        assert (await uno.connect())[0]
        assert await uno.receive_json_from() == NOBODY

        assert (await sara.connect())[0]
        assert await sara.receive_json_from() == presence(["Ulises Uno"])
        assert await uno.receive_json_from() == presence(["Sara Supervisora"])

        await sara.send_json_to({"type": "typing"})
        assert await uno.receive_json_from() == presence(["Sara Supervisora"], typing=["Sara Supervisora"])
        await sara.send_json_to({"type": "typing"})  # still typing: nothing new to show
        await sara.send_json_to({"type": "viewing"})  # a heartbeat keeps the indicator
        assert await uno.receive_nothing(timeout=0.2)

        await sara.send_json_to({"type": "idle"})
        assert await uno.receive_json_from() == presence(["Sara Supervisora"])

        await sara.disconnect()
        assert await uno.receive_json_from() == NOBODY
        assert await sara.receive_nothing()  # nothing about herself, ever
        await uno.disconnect()

    run(scenario)


def test_two_tabs_of_one_agent_keep_them_present_until_both_close(world, socket_for):
    path = f"/ws/tickets/{world.ticket_a.pk}/"
    uno, tab1, tab2 = socket_for(path, user=world.agent1), socket_for(path, user=world.admin), socket_for(path, user=world.admin)

    async def scenario():
        await uno.connect()
        await uno.receive_json_from()
        await tab1.connect()
        await tab2.connect()
        assert await uno.receive_json_from() == presence(["Ada Admin"])
        await tab1.disconnect()
        assert await uno.receive_nothing(timeout=0.2)
        await tab2.disconnect()
        assert await uno.receive_json_from() == NOBODY
        await uno.disconnect()

    run(scenario)


def test_typing_stops_showing_a_few_seconds_after_the_last_keystroke(world, socket_for):
    path = f"/ws/tickets/{world.ticket_a.pk}/"
    uno, sara = socket_for(path, user=world.agent1), socket_for(path, user=world.supervisor)
    start = clock.now()

    async def scenario():
        with clock.frozen_at(start):
            await uno.connect()
            await sara.connect()
            await sara.send_json_to({"type": "typing"})
            assert await uno.receive_json_from() == NOBODY
            assert await uno.receive_json_from() == presence(["Sara Supervisora"])
            assert await uno.receive_json_from() == presence(["Sara Supervisora"], typing=["Sara Supervisora"])
        with clock.frozen_at(start + timedelta(seconds=5.6)):
            # Another process's broadcast makes Uno's consumer look again: still typing, so it
            # only sets itself to look when the indicator expires.
            await get_channel_layer().group_send(ticket_group(world.ticket_a.pk), {"type": "presence.changed"})
            assert await uno.receive_nothing(timeout=0.1)
        with clock.frozen_at(start + timedelta(seconds=7)):
            assert await uno.receive_json_from(timeout=2) == presence(["Sara Supervisora"])
            await sara.disconnect()
            await uno.disconnect()

    run(scenario)


def test_an_agent_on_the_polling_fallback_shows_up_on_the_socket(world, socket_for):
    uno = socket_for(f"/ws/tickets/{world.ticket_a.pk}/", user=world.agent1)
    polling = Client()
    polling.force_login(world.supervisor)

    def poll(state: str) -> int:
        return polling.post(f"/en-vivo/tickets/{world.ticket_a.pk}/", {"state": state, "tab": "t1"}).status_code

    async def scenario():
        await uno.connect()
        assert await uno.receive_json_from() == NOBODY
        assert await database_sync_to_async(poll)("typing") == 200
        assert await uno.receive_json_from() == presence(["Sara Supervisora"], typing=["Sara Supervisora"])
        assert await database_sync_to_async(poll)("left") == 200
        assert await uno.receive_json_from() == NOBODY
        await uno.disconnect()

    run(scenario)


# --- events --------------------------------------------------------------------------------------

def test_a_new_message_reaches_everyone_on_the_ticket_and_the_writer_knows_it_is_theirs(world, socket_for):
    path = f"/ws/tickets/{world.ticket_a.pk}/"
    uno, sara = socket_for(path, user=world.agent1), socket_for(path, user=world.supervisor)

    async def scenario():
        await uno.connect()
        await sara.connect()
        for _presence in range(2):
            await uno.receive_json_from()
        await sara.receive_json_from()

        message = await database_sync_to_async(message_create)(
            actor=world.supervisor, ticket=world.ticket_a, body="Ya revisé el DNS", internal=True,
        )

        assert await uno.receive_json_from() == {"type": "message.created", "message_id": message.pk, "mine": False}
        assert await sara.receive_json_from() == {"type": "message.created", "message_id": message.pk, "mine": True}
        await uno.disconnect()
        await sara.disconnect()

    run(scenario)


def test_an_agent_whose_ticket_moved_out_of_their_scope_is_told_nothing_and_dropped(world, socket_for):
    uno = socket_for(f"/ws/tickets/{world.ticket_a.pk}/", user=world.agent1)

    async def scenario():
        await uno.connect()
        await uno.receive_json_from()

        await database_sync_to_async(ticket_update)(actor=world.admin, ticket=world.ticket_a, changes={"team": world.team2})

        closing = await uno.receive_output()
        assert closing == {"type": "websocket.close", "code": NOT_ALLOWED}

    run(scenario)


def test_inbox_events_reach_only_the_agents_who_may_see_the_ticket(world, socket_for):
    uno, dos, sara = (socket_for("/ws/inbox/", user=user) for user in (world.agent1, world.agent2, world.supervisor))

    async def scenario():
        for socket in (uno, dos, sara):
            assert (await socket.connect())[0]
            assert await socket.receive_json_from() == {"type": "ready"}

        await database_sync_to_async(ticket_update)(actor=world.admin, ticket=world.ticket_b, changes={"priority": Priority.HIGH})

        changed_b = {"type": "ticket.changed", "ticket_ids": [world.ticket_b.pk]}
        assert await dos.receive_json_from() == changed_b
        assert await sara.receive_json_from() == changed_b
        assert await uno.receive_nothing(timeout=0.2)  # team 2's ticket: not even its id

        new = await database_sync_to_async(ticket_create)(
            actor=world.customer_a.user, subject="Otra duda", body="¿Tienen factura electrónica?",
        )
        for socket in (uno, dos, sara):  # no team yet: the shared triage queue
            assert await socket.receive_json_from() == {"type": "ticket.changed", "ticket_ids": [new.pk]}
        for socket in (uno, dos, sara):
            await socket.disconnect()

    run(scenario)


def test_a_deactivated_agent_gets_no_more_inbox_events(world, socket_for):
    dos = socket_for("/ws/inbox/", user=world.agent2)

    def deactivate() -> None:
        world.agent2.is_active = False
        world.agent2.save(update_fields=["is_active"])

    async def scenario():
        await dos.connect()
        assert await dos.receive_json_from() == {"type": "ready"}
        await database_sync_to_async(deactivate)()
        await database_sync_to_async(ticket_update)(actor=world.admin, ticket=world.ticket_b, changes={"priority": Priority.HIGH})
        assert await dos.receive_output() == {"type": "websocket.close", "code": NOT_ALLOWED}

    run(scenario)


BAD_FRAMES = {
    "not JSON": {"text": "hola"},
    "binary": {"bytes": b'{"type": "viewing"}'},
    "nested too deep": {"text": "[" * 1000 + "]" * 1000},
    "nested": {"text": '{"type": {"type": "viewing"}}'},
    "unknown type": {"text": '{"type": "message.created", "message_id": 1}'},
    "not an object": {"text": '["typing"]'},
    "oversized": {"text": '{"type": "viewing", "pad": "' + "x" * 5000 + '"}'},
    "NUL": {"text": '{"type": "viewing\\u0000"}'},
}


@pytest.mark.parametrize("frame", BAD_FRAMES.values(), ids=BAD_FRAMES.keys())
def test_a_bad_frame_closes_the_ticket_socket_with_4400_and_clears_presence(world, socket_for, frame):
    path = f"/ws/tickets/{world.ticket_a.pk}/"
    uno, sara = socket_for(path, user=world.agent1), socket_for(path, user=world.supervisor)

    async def scenario():
        await uno.connect()
        await sara.connect()
        for _presence in range(2):
            await uno.receive_json_from()
        assert await sara.receive_json_from() == presence(["Ulises Uno"])
        await sara.send_input({"type": "websocket.receive", **frame})
        closed = await sara.receive_output()
        assert (closed["type"], closed["code"]) == ("websocket.close", BAD_FRAME)
        # Cleared before the browser answers the close (a crashed client never does).
        assert await uno.receive_json_from() == NOBODY
        await sara.disconnect()
        await uno.disconnect()

    run(scenario)


@pytest.mark.parametrize("frame", BAD_FRAMES.values(), ids=BAD_FRAMES.keys())
def test_a_bad_frame_closes_the_inbox_socket_with_4400(world, socket_for, frame):
    socket = socket_for("/ws/inbox/", user=world.agent1)

    async def scenario():
        await socket.connect()
        assert await socket.receive_json_from() == {"type": "ready"}
        await socket.send_input({"type": "websocket.receive", **frame})
        closed = await socket.receive_output()
        assert (closed["type"], closed["code"]) == ("websocket.close", BAD_FRAME)
        await socket.disconnect()

    run(scenario)


@pytest.mark.parametrize("origin", [
    "http://testserver:8080", "https://testserver", "http://testserver:443", "http://testserver.evil.example",
    "null", "", "http://testserver/path",
])
def test_a_page_of_another_port_or_scheme_of_this_host_cannot_open_a_socket(world, socket_for, origin):
    socket = socket_for(f"/ws/tickets/{world.ticket_a.pk}/", user=world.agent1, origin=origin)

    async def scenario():
        connected, _code = await socket.connect()
        assert connected is False

    run(scenario)


def test_the_origin_may_name_the_default_port(world, socket_for):
    socket = socket_for(f"/ws/tickets/{world.ticket_a.pk}/", user=world.agent1, origin="http://testserver:80")

    async def scenario():
        assert (await socket.connect())[0]
        assert await socket.receive_json_from() == NOBODY
        await socket.disconnect()

    run(scenario)


def test_a_write_from_a_thread_without_an_event_loop_reaches_the_sockets(world, socket_for):
    """The embedded scheduler polls mail on a thread of the web process: its new tickets must
    reach the pages through the in-memory layer, which lives on the server's loop."""
    uno = socket_for("/ws/inbox/", user=world.agent1)
    created: list[int] = []

    def scheduler_thread() -> None:
        ticket = ticket_create(actor=world.customer_a.user, subject="Llegó por correo", body="Hola")
        created.append(ticket.pk)
        connections.close_all()

    async def scenario():
        await uno.connect()
        assert await uno.receive_json_from() == {"type": "ready"}
        thread = threading.Thread(target=scheduler_thread)
        thread.start()
        await asyncio.get_running_loop().run_in_executor(None, thread.join)
        assert await uno.receive_json_from() == {"type": "ticket.changed", "ticket_ids": created}
        await uno.disconnect()

    run(scenario)
