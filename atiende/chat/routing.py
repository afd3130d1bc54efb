"""The visitor's websocket route, mounted by atiende.asgi outside the agents' same-origin check
and session middleware: it comes from the company's site, which the consumer checks itself."""

from __future__ import annotations

from typing import Any

from channels.routing import URLRouter
from django.urls import path

from .consumers import VisitorConsumer

websocket_urlpatterns = [
    path("ws/chat/<str:public_id>/", VisitorConsumer.as_asgi(), name="visitor"),
]

PREFIX = "/ws/chat/"


class ChatSocketsFirst:
    """ASGI: websockets under /ws/chat/ go to the visitor's consumer; the rest to `default`."""

    def __init__(self, default: Any) -> None:
        self.default = default
        self.chat = URLRouter(websocket_urlpatterns)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket" and scope.get("path", "").startswith(PREFIX):
            return await self.chat(scope, receive, send)
        return await self.default(scope, receive, send)
