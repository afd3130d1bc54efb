"""Live-update tests: a fresh in-memory channel layer per test, and websocket clients that sign
in with a real session cookie and a browser's Origin header, through atiende.asgi.

`channels.testing.WebsocketCommunicator` cannot be imported without Daphne (the package's
__init__ imports its live-server test case), which we do not ship; `WebsocketClient` below is
the same thin layer over asgiref's ApplicationCommunicator.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from asgiref.testing import ApplicationCommunicator
from django.conf import settings as django_settings
from django.test import Client

from atiende.asgi import application


@pytest.fixture(autouse=True)
def _fresh_channel_layer(settings):
    # Changing the setting makes Channels drop its cached layer: no group outlives a test.
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


class WebsocketClient(ApplicationCommunicator):
    def __init__(self, application, path: str, headers: list[tuple[bytes, bytes]]):
        super().__init__(application, {"type": "websocket", "path": path, "query_string": b"", "headers": headers,
                                       "subprotocols": []})

    async def connect(self, timeout: float = 1) -> tuple[bool, Any]:
        """(True, subprotocol) when accepted, (False, close code) when refused."""
        await self.send_input({"type": "websocket.connect"})
        response = await self.receive_output(timeout)
        if response["type"] == "websocket.close":
            return False, response.get("code", 1000)
        assert response["type"] == "websocket.accept", response
        return True, response.get("subprotocol")

    async def send_json_to(self, data: Any) -> None:
        await self.send_input({"type": "websocket.receive", "text": json.dumps(data)})

    async def receive_json_from(self, timeout: float = 1) -> Any:
        response = await self.receive_output(timeout)
        assert response["type"] == "websocket.send", response
        return json.loads(response["text"])

    async def disconnect(self, code: int = 1000, timeout: float = 1) -> None:
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)


def session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"{django_settings.SESSION_COOKIE_NAME}={client.cookies[django_settings.SESSION_COOKIE_NAME].value}".encode()


@pytest.fixture
def socket_for() -> Callable[..., WebsocketClient]:
    """`socket_for(path, user=None, origin="http://testserver")`: a websocket client for the
    whole ASGI stack (origin check, session auth, routing). Create it in sync code (the session
    is written to the database) and connect it inside the async scenario."""

    def make(path: str, user=None, origin: str = "http://testserver") -> WebsocketClient:
        headers = [(b"host", b"testserver"), (b"origin", origin.encode())]
        if user is not None:
            headers.append((b"cookie", session_cookie(user)))
        return WebsocketClient(application, path, headers)

    return make
