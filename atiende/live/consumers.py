"""Websocket consumers: thin; the rules are in live.selectors and live.services.

A socket that may not be served is accepted and then closed with a code the page understands
(a refused handshake reaches the browser as a bare 1006, indistinguishable from a network
failure, and the page would retry forever): 4401 not signed in, 4403 not allowed. A frame the
page would never send (live.frames) closes the socket with 4400 and clears the presence.

Browser → server (ticket socket): {"type": "viewing"} every 25 s, {"type": "typing"} while the
agent types (throttled), {"type": "idle"} when they stop. Server → browser: {"type": "presence",
"viewers": [...], "typing": [...]}, {"type": "message.created", "message_id", "mine"},
{"type": "ticket.updated", "mine"}; inbox socket: {"type": "ready"} once joined, then
{"type": "ticket.changed", "ticket_ids"}, and {"type": "call.changed", "call_id"} when a telephony
system reports a call (the page fetches the caller's notice through the workspace).
"""

from __future__ import annotations

import asyncio
import contextlib

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from atiende.core.broadcast import INBOX_GROUP, serve_events_on, ticket_group
from atiende.core.params import BadValue

from . import presence, selectors, services
from .batches import inbox_checks
from .frames import BAD_FRAME, frame_type
from .services import Activity

NOT_SIGNED_IN = 4401
NOT_ALLOWED = 4403

CLIENT_ACTIVITIES = {"viewing": Activity.VIEWING, "typing": Activity.TYPING, "idle": Activity.IDLE}


class TicketConsumer(AsyncJsonWebsocketConsumer):
    """`/ws/tickets/<ticket_id>/`: presence on one ticket, and its new messages and changes."""

    ticket_id: int
    joined = False
    shown: tuple | None = None
    refresh: asyncio.Task | None = None

    async def connect(self) -> None:
        serve_events_on(asyncio.get_running_loop())
        await self.accept()
        user = self.scope["user"]
        self.ticket_id = self.scope["url_route"]["kwargs"]["ticket_id"]
        if not user.is_authenticated:
            await self.close(code=NOT_SIGNED_IN)
        elif not await database_sync_to_async(selectors.live_ticket_visible)(user_id=user.pk, ticket_id=self.ticket_id):
            await self.close(code=NOT_ALLOWED)
        else:
            await self._join()

    async def _join(self) -> None:
        await self.channel_layer.group_add(ticket_group(self.ticket_id), self.channel_name)
        self.joined = True
        await self._record(Activity.VIEWING)
        await self._show_presence()

    async def disconnect(self, code: int) -> None:
        await self._leave()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs) -> None:
        try:
            kind = frame_type(text_data, bytes_data, CLIENT_ACTIVITIES)
        except BadValue:
            await self._leave()  # at once: the close handshake may never complete
            await self.close(code=BAD_FRAME)
            return
        if self.joined:
            await self._record(CLIENT_ACTIVITIES[kind])

    async def _leave(self) -> None:
        if self.refresh is not None:
            self.refresh.cancel()
        if self.joined:
            self.joined = False
            await self.channel_layer.group_discard(ticket_group(self.ticket_id), self.channel_name)
            await self._record(Activity.LEFT)

    # --- group events -----------------------------------------------------------------------

    async def presence_changed(self, event: dict) -> None:
        await self._show_presence()

    async def message_created(self, event: dict) -> None:
        if await self._still_allowed():
            await self.send_json({"type": "message.created", "message_id": event["message_id"], "mine": self._mine(event)})

    async def ticket_updated(self, event: dict) -> None:
        if await self._still_allowed():
            await self.send_json({"type": "ticket.updated", "mine": self._mine(event)})

    # --- helpers ------------------------------------------------------------------------------

    async def _record(self, activity: Activity) -> None:
        await database_sync_to_async(services.presence_record)(
            ticket_id=self.ticket_id, user=self.scope["user"], connection=self.channel_name, activity=activity,
            seconds=presence.SOCKET_SECONDS,
        )

    async def _show_presence(self) -> None:
        """Send the presence this agent sees if it changed, and look again when it next expires."""
        view = await database_sync_to_async(selectors.presence_view)(ticket_id=self.ticket_id, viewer_id=self.scope["user"].pk)
        if (view.viewers, view.typing) != self.shown:
            self.shown = (view.viewers, view.typing)
            await self.send_json({"type": "presence", "viewers": list(view.viewers), "typing": list(view.typing)})
        if self.refresh is not None and self.refresh is not asyncio.current_task():
            self.refresh.cancel()
        self.refresh = None
        if view.changes_at is not None and self.joined:
            self.refresh = asyncio.create_task(self._show_presence_at(view.changes_at))

    async def _show_presence_at(self, moment: float) -> None:
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(max(0.5, moment - presence.now() + 0.05))
            await self._show_presence()

    async def _still_allowed(self) -> bool:
        """The ticket may have moved to another team since the socket opened."""
        allowed = await database_sync_to_async(selectors.live_ticket_visible)(
            user_id=self.scope["user"].pk, ticket_id=self.ticket_id
        )
        if not allowed:
            await self.close(code=NOT_ALLOWED)
        return allowed

    def _mine(self, event: dict) -> bool:
        return event.get("actor_id") == self.scope["user"].pk


class InboxConsumer(AsyncJsonWebsocketConsumer):
    """`/ws/inbox/`: tells an agent that tickets they may see were created or changed."""

    async def connect(self) -> None:
        serve_events_on(asyncio.get_running_loop())
        await self.accept()
        user = self.scope["user"]
        if not user.is_authenticated:
            await self.close(code=NOT_SIGNED_IN)
        elif await database_sync_to_async(selectors.live_agent)(user_id=user.pk) is None:
            await self.close(code=NOT_ALLOWED)
        else:
            await self.channel_layer.group_add(INBOX_GROUP, self.channel_name)
            await self.send_json({"type": "ready"})  # the page stops polling when it hears this

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(INBOX_GROUP, self.channel_name)

    async def call_changed(self, event: dict) -> None:
        # Only agents join this group; the id alone says nothing about the caller.
        await self.send_json({"type": "call.changed", "call_id": event["call_id"]})

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs) -> None:
        # The inbox page sends nothing: any frame is a bad one.
        await self.channel_layer.group_discard(INBOX_GROUP, self.channel_name)
        await self.close(code=BAD_FRAME)

    async def ticket_changed(self, event: dict) -> None:
        # Checked per event and per agent: nobody learns that a ticket outside their scope moved.
        visible = await inbox_checks.visible(event=event, user_id=self.scope["user"].pk)
        if visible is None:
            await self.close(code=NOT_ALLOWED)
        elif visible:
            await self.send_json({"type": "ticket.changed", "ticket_ids": visible})
