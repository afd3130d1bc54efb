"""Live events for websocket clients, sent only after the write that caused them commits.

Events carry ids only (a ticket id, a message id, who acted), never content: each consumer
checks again that its user may see the ticket, and the page fetches what changed through the
ordinary permission-checked views. A channel layer that is down never fails the write: the
event is logged and lost, and the pages catch up through their polling fallback.

Groups: `ticket_group(id)` for the pages that have one ticket open, `INBOX_GROUP` for every
agent's inbox. Event types (a consumer's handler is the type with dots as underscores):
`message.created` and `ticket.updated` to a ticket's group, `ticket.changed` (with a list of
ticket ids) to the inbox, `presence.changed` to a ticket's group from the live app.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from asgiref.sync import async_to_sync
from django.db import transaction

logger = logging.getLogger(__name__)

INBOX_GROUP = "inbox"
# One inbox event names at most this many tickets (an import of thousands sends several).
IDS_PER_EVENT = 500
SEND_TIMEOUT = 5  # seconds; a layer slower than this is treated as down

# The event loop serving this process's websockets, noted by the live consumers. The in-memory
# layer (the embedded default) keeps its queues on that loop, so a thread with no loop of its
# own (the embedded scheduler polling mail, a request thread) hands its events to it rather than
# touching those queues from another loop.
_serving_loop: asyncio.AbstractEventLoop | None = None


def serve_events_on(loop: asyncio.AbstractEventLoop | None) -> None:
    global _serving_loop
    _serving_loop = loop


def ticket_group(ticket_id: int) -> str:
    return f"ticket.{ticket_id}"


def broadcast_after_commit(group: str, payload: dict[str, Any]) -> None:
    """Send `payload` to the channel-layer `group` once the current transaction commits
    (right away outside one); nothing is sent if it rolls back."""
    transaction.on_commit(lambda: _send(group, payload))


def broadcast_ticket_changed(*, ticket_id: int, actor_id: int | None = None, message_id: int | None = None) -> None:
    """A ticket changed, or got the message `message_id`: tell its open pages and the inboxes.
    `actor_id` lets each page tell its own changes from other people's."""
    if message_id is None:
        event = {"type": "ticket.updated", "ticket_id": ticket_id, "actor_id": actor_id}
    else:
        event = {"type": "message.created", "ticket_id": ticket_id, "message_id": message_id, "actor_id": actor_id}
    broadcast_after_commit(ticket_group(ticket_id), event)
    broadcast_tickets_changed(ticket_ids=[ticket_id])


def broadcast_tickets_changed(*, ticket_ids: Iterable[int]) -> None:
    """Tickets were created or changed: the inboxes refresh (no ticket page has them open)."""
    ids = list(dict.fromkeys(ticket_ids))
    for start in range(0, len(ids), IDS_PER_EVENT):
        # The id lets a process check every agent's socket in one batch (live.batches).
        event = {"type": "ticket.changed", "ticket_ids": ids[start:start + IDS_PER_EVENT], "event_id": uuid.uuid4().hex}
        broadcast_after_commit(INBOX_GROUP, event)


def broadcast_messages_created(*, messages: Sequence[tuple[int, int]]) -> None:
    """Many messages at once (imports): `(ticket_id, message_id)` pairs; one inbox event."""
    for ticket_id, message_id in messages:
        broadcast_after_commit(
            ticket_group(ticket_id),
            {"type": "message.created", "ticket_id": ticket_id, "message_id": message_id, "actor_id": None},
        )
    broadcast_tickets_changed(ticket_ids=[ticket_id for ticket_id, _message_id in messages])


def _send(group: str, payload: dict[str, Any]) -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass  # the usual case: a sync caller (a request thread, a task, a command)
    else:
        # A thread that runs an event loop cannot wait for the layer; live writes happen in
        # sync code, so this only happens in tests and scripts driving a loop themselves.
        logger.debug("Live event %s to %s not sent: called from a running event loop", payload["type"], group)
        return
    try:
        from channels.layers import get_channel_layer

        layer = get_channel_layer()
        if layer is None:
            return
        loop = _serving_loop
        if loop is not None and loop.is_running():
            # Handed to the loop, not waited for: a request waited 2-4 ms for each send (p95 11-16
            # ms under the mixed load, the loop being busy with the sockets), twice per reply.
            sending = asyncio.run_coroutine_threadsafe(_send_within_timeout(layer, group, payload), loop)
            sending.add_done_callback(lambda done: _log_failure(done, group, payload))
        else:  # no websocket served here (a worker, a command): a short-lived loop will do
            async_to_sync(layer.group_send)(group, payload)
    except Exception:  # a down Redis must not fail a write that already committed
        logger.exception("Live event %s to %s could not be sent", payload["type"], group)


async def _send_within_timeout(layer: Any, group: str, payload: dict[str, Any]) -> None:
    await asyncio.wait_for(layer.group_send(group, payload), SEND_TIMEOUT)


def _log_failure(sending: concurrent.futures.Future, group: str, payload: dict[str, Any]) -> None:
    error = None if sending.cancelled() else sending.exception()
    if error is not None:
        logger.error("Live event %s to %s could not be sent", payload["type"], group, exc_info=error)
