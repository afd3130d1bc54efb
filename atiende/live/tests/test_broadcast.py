"""Live events leave only after the write commits, carry ids only, and never fail the write."""

from __future__ import annotations

import asyncio
import logging
import threading
import time

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction

from atiende.core.broadcast import (
    IDS_PER_EVENT,
    INBOX_GROUP,
    broadcast_tickets_changed,
    serve_events_on,
    ticket_group,
)
from atiende.tickets.models import Priority, Ticket
from atiende.tickets.services import message_create, ticket_update


class RolledBack(Exception):
    pass


async def listen(group: str) -> tuple:
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(group, channel)
    return layer, channel


async def received(layer, channel, timeout: float = 0.3) -> list[dict]:
    """The events on `channel`; an inbox event's batch id (live.batches) is checked and dropped."""
    events = []
    while True:
        try:
            event = await asyncio.wait_for(layer.receive(channel), timeout)
        except TimeoutError:
            return events
        if event["type"] == "ticket.changed":
            assert len(event.pop("event_id")) == 32
        events.append(event)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_nothing_is_sent_for_a_write_that_rolls_back_and_ids_only_for_one_that_commits(world):
    def update_then_fail() -> None:
        with transaction.atomic():
            ticket_update(actor=world.admin, ticket=world.ticket_a, changes={"priority": Priority.HIGH})
            raise RolledBack

    def reply():
        return message_create(actor=world.agent1, ticket=world.ticket_a, body="Secreto del cliente", internal=True)

    async def scenario():
        layer, ticket_channel = await listen(ticket_group(world.ticket_a.pk))
        _same, inbox_channel = await listen(INBOX_GROUP)

        with pytest.raises(RolledBack):
            await database_sync_to_async(update_then_fail)()
        assert await received(layer, ticket_channel) == []
        assert await received(layer, inbox_channel) == []

        message = await database_sync_to_async(reply)()
        assert await received(layer, ticket_channel) == [
            {"type": "message.created", "ticket_id": world.ticket_a.pk, "message_id": message.pk, "actor_id": world.agent1.pk}
        ]
        assert await received(layer, inbox_channel) == [{"type": "ticket.changed", "ticket_ids": [world.ticket_a.pk]}]

    async_to_sync(scenario)()
    assert Ticket.objects.get(pk=world.ticket_a.pk).priority == Priority.NORMAL


def test_a_channel_layer_that_is_down_does_not_fail_the_write(world, settings, caplog, django_capture_on_commit_callbacks):
    settings.CHANNEL_LAYERS = {  # nothing listens on port 1
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]}}
    }

    with caplog.at_level(logging.ERROR, logger="atiende.core.broadcast"), django_capture_on_commit_callbacks(execute=True):
        ticket_update(actor=world.admin, ticket=world.ticket_a, changes={"priority": Priority.HIGH})

    assert Ticket.objects.get(pk=world.ticket_a.pk).priority == Priority.HIGH
    assert [record.getMessage() for record in caplog.records] == [
        f"Live event ticket.updated to ticket.{world.ticket_a.pk} could not be sent",
        "Live event ticket.changed to inbox could not be sent",
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_import_of_many_tickets_is_announced_in_batches(world):
    ids = list(range(1, IDS_PER_EVENT + 3))

    async def scenario():
        layer, channel = await listen(INBOX_GROUP)
        await database_sync_to_async(broadcast_tickets_changed)(ticket_ids=ids)
        events = await received(layer, channel)
        assert [len(event["ticket_ids"]) for event in events] == [IDS_PER_EVENT, 2]
        assert [pk for event in events for pk in event["ticket_ids"]] == ids

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_bulk_import_paths_announce_their_tickets_and_messages(world):
    from atiende.tickets.services.imports import (
        IncomingReply,
        IncomingTicket,
        channel_replies_import,
        channel_tickets_import,
    )

    def import_tickets() -> list[int]:
        firsts = channel_tickets_import(
            [IncomingTicket(requester=world.customer_a, subject="Uno", body="a"),
             IncomingTicket(requester=world.customer_b, subject="Dos", body="b")],
            channel="email", acknowledge=False,
        )
        return [message.ticket_id for message in firsts]

    def import_reply(ticket_id: int) -> int:
        ticket = Ticket.objects.get(pk=ticket_id)
        return channel_replies_import([IncomingReply(ticket=ticket, author=world.customer_a, body="¿Y?")], channel="email")[0].pk

    async def scenario():
        layer, inbox = await listen(INBOX_GROUP)
        new_ids = await database_sync_to_async(import_tickets)()
        assert await received(layer, inbox) == [{"type": "ticket.changed", "ticket_ids": new_ids}]

        _same, page = await listen(ticket_group(new_ids[0]))
        reply_id = await database_sync_to_async(import_reply)(new_ids[0])
        assert await received(layer, page) == [
            {"type": "message.created", "ticket_id": new_ids[0], "message_id": reply_id, "actor_id": None}
        ]
        assert await received(layer, inbox) == [{"type": "ticket.changed", "ticket_ids": [new_ids[0]]}]

    async_to_sync(scenario)()


class SlowLayer(InMemoryChannelLayer):
    """The in-memory layer, slow to send (a Redis that takes its time) or failing to."""

    delay = 1.0  # waited for, a write's two sends would take two seconds
    fails = False

    async def group_send(self, group, message):
        await asyncio.sleep(self.delay)
        if self.fails:
            raise ConnectionError("layer gone")
        await super().group_send(group, message)


@pytest.fixture
def serving_loop():
    """A loop serving this process's websockets, in a thread of its own, as under `atiende serve`."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    serve_events_on(loop)
    yield loop
    serve_events_on(None)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    loop.close()


def test_a_write_does_not_wait_for_the_serving_loop_to_send_its_events(world, settings, serving_loop, caplog,
                                                                       django_capture_on_commit_callbacks):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": f"{__name__}.SlowLayer"}}
    layer = get_channel_layer()
    channel = asyncio.run_coroutine_threadsafe(listen(INBOX_GROUP), serving_loop).result(5)[1]

    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        ticket_update(actor=world.admin, ticket=world.ticket_a, changes={"priority": Priority.HIGH})
    assert time.monotonic() - started < SlowLayer.delay

    event = asyncio.run_coroutine_threadsafe(layer.receive(channel), serving_loop).result(5)
    assert event["ticket_ids"] == [world.ticket_a.pk]

    SlowLayer.fails = True
    try:
        with caplog.at_level(logging.ERROR, logger="atiende.core.broadcast"), \
                django_capture_on_commit_callbacks(execute=True):
            ticket_update(actor=world.admin, ticket=world.ticket_a, changes={"priority": Priority.LOW})
        deadline = time.monotonic() + 5
        while len(caplog.records) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        SlowLayer.fails = False
    assert Ticket.objects.get(pk=world.ticket_a.pk).priority == Priority.LOW
    assert sorted(record.getMessage() for record in caplog.records) == [
        "Live event ticket.changed to inbox could not be sent",
        f"Live event ticket.updated to ticket.{world.ticket_a.pk} could not be sent",
    ]
