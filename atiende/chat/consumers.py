"""The visitor's websocket, `/ws/chat/<session>/?token=…`: thin; the rules are in chat.services.

The socket comes from the company's site, not ours: no cookie and no session middleware; the
Origin must be one the chat site lists and the token must be the session's (else the socket is
accepted and closed with 4403, which the widget understands, rather than refused as a bare
1006 it would retry forever).

Widget → server: {"type": "message", "id": <client id>, "text"}, {"type": "typing", "typing"},
{"type": "read", "id": <message id>}, {"type": "ping"}. Server → widget: {"type": "ready"} plus
the state, {"type": "message", "message": {...}}, {"type": "sent", "id", "message"},
{"type": "typing", "typing"}, {"type": "read", "id"}, {"type": "state", ...},
{"type": "error", "code", "message", "id"}. Events on the channel layer carry ids only; the
message is read here, and only if it is a public message of this conversation."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from atiende.core.broadcast import serve_events_on, ticket_group
from atiende.core.exceptions import DomainError
from atiende.core.params import BadValue

from . import selectors, services
from .frames import FrameTooLarge, frame_read
from .identity import origin_listed
from .models import ChatSession

NOT_ALLOWED = 4403


def _headers(scope: dict) -> dict[bytes, str]:
    return {name.lower(): value.decode("latin-1") for name, value in scope.get("headers", [])}


class VisitorConsumer(AsyncJsonWebsocketConsumer):
    session: ChatSession | None = None
    groups_joined: tuple[str, ...] = ()

    async def connect(self) -> None:
        serve_events_on(asyncio.get_running_loop())
        await self.accept()
        public_id = self.scope["url_route"]["kwargs"]["public_id"]
        token = (parse_qs(self.scope.get("query_string", b"").decode("latin-1")).get("token") or [""])[0]
        session = await database_sync_to_async(self._load)(public_id, token, _headers(self.scope).get(b"origin"))
        if session is None:
            await self.close(code=NOT_ALLOWED)
            return
        self.session = session
        self.groups_joined = (services.chat_group(session.public_id), ticket_group(session.ticket_id))
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.send_json({"type": "ready", **(await self._state())})

    @staticmethod
    def _load(public_id: str, token: str, origin: str | None) -> ChatSession | None:
        try:
            session = selectors.session_for_visitor(public_id=public_id, token=token)
        except DomainError:
            return None
        if not origin_listed(origin, session.site.allowed_origins):
            return None
        services.visitor_seen(session=session)
        services.visitor_typing(session=session, typing=False)  # agents see the visitor is there
        return session

    async def dispatch(self, message: dict) -> None:
        # The ticket's group carries events for agents' pages too; one this socket does not know
        # (a channel app may add some) is none of the visitor's business, never a crash.
        if hasattr(self, get_handler_name(message)):
            await super().dispatch(message)

    async def disconnect(self, code: int) -> None:
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        if self.session is not None:
            await database_sync_to_async(services.visitor_typing)(session=self.session, typing=None)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs) -> None:
        if self.session is None:
            return
        try:
            frame = frame_read(text_data, bytes_data)
        except FrameTooLarge as exc:
            await self.send_json({"type": "error", "code": "message_too_large", "message": str(exc)})
            return
        except BadValue as exc:
            await self.send_json({"type": "error", "code": "bad_frame", "message": str(exc)})
            return
        ticket_before = self.session.ticket_id
        try:
            answer = await database_sync_to_async(self._handle)(frame.type, frame.data)
        except DomainError as exc:
            await self.send_json({"type": "error", "code": exc.code, "message": str(exc.message or exc.code),
                                  "id": frame.data.get("id")})
            return
        if self.session.ticket_id != ticket_before:  # a closed ticket's follow-up carries the chat on
            await self.channel_layer.group_discard(ticket_group(ticket_before), self.channel_name)
            await self.channel_layer.group_add(ticket_group(self.session.ticket_id), self.channel_name)
            self.groups_joined = (services.chat_group(self.session.public_id), ticket_group(self.session.ticket_id))
        if answer is not None:
            await self.send_json(answer)

    def _handle(self, kind: str, data: dict) -> dict | None:
        session = self.session
        assert session is not None
        services.visitor_seen(session=session)
        if kind == "message":
            message = services.visitor_message_send(session=session, text=data.get("text"), client_id=str(data.get("id") or ""))
            return {"type": "sent", "id": data.get("id"), "message": selectors.visitor_message(message).as_dict()}
        if kind == "typing":
            services.visitor_typing(session=session, typing=bool(data.get("typing")))
        elif kind == "read" and isinstance(data.get("id"), int):
            services.visitor_read(session=session, message_id=data["id"])
        return None

    # --- group events -----------------------------------------------------------------------

    async def message_created(self, event: dict) -> None:
        found = await database_sync_to_async(self._message)(event["message_id"])
        if found is not None:
            await self.send_json({"type": "message", "message": found})

    def _message(self, message_id: int) -> dict | None:
        assert self.session is not None
        found = selectors.visitor_message_get(session=self.session, message_id=message_id)
        return found.as_dict() if found is not None else None

    async def presence_changed(self, event: dict) -> None:
        await self.send_json({"type": "typing", **(await database_sync_to_async(self._presence)())})

    def _presence(self) -> dict:
        assert self.session is not None
        typing = selectors.agent_typing(ticket_id=self.session.ticket_id)
        read = services.agent_read_mark(session=self.session) if selectors.agent_viewing(ticket_id=self.session.ticket_id) else None
        return {"typing": typing, "read_id": read or self.session.agent_read_id}

    async def ticket_updated(self, event: dict) -> None:
        return None  # agents' changes to the ticket are not the visitor's business

    async def chat_state(self, event: dict) -> None:
        await self.send_json({"type": "state", **(await self._state(reload=True))})

    async def _state(self, reload: bool = False) -> dict:
        def read() -> dict:
            assert self.session is not None
            if reload:
                self.session = ChatSession.objects.select_related("site", "agent").get(pk=self.session.pk)
            session = self.session
            return {"state": session.state, "agent": (session.agent.name.split() or [""])[0] if session.agent else "",
                    "agent_read_id": session.agent_read_id}

        return await database_sync_to_async(read)()
