"""Chat fixtures: a site on https://tienda.example answered by team 1, and a visitor's client."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from atiende.chat import availability
from atiende.chat.identity import identity_hash
from atiende.chat.services import site_create

ORIGIN = "https://tienda.example"
SECRET = "secreto-del-sitio"


@pytest.fixture
def site(world):
    return site_create(name="Tienda", allowed_origins=[ORIGIN], identity_secret=SECRET, team=world.team1,
                       max_chats_per_agent=2)


@pytest.fixture
def online(world):
    """Agent 1 is at the chat queue."""
    availability.mark(world.agent1.pk)
    yield world.agent1
    availability.clear(world.agent1.pk)


class Visitor:
    """The widget's HTTP side, from the site's origin, in English."""

    def __init__(self, site, origin: str = ORIGIN) -> None:
        self.site = site
        self.client = Client(HTTP_ORIGIN=origin, HTTP_ACCEPT_LANGUAGE="en")
        self.id = ""
        self.token = ""

    def start(self, **fields):
        body = {"name": "Valeria Visitante", "email": "valeria@correo.example", "question": "¿Tienen envío a Mérida?",
                "page_url": "https://tienda.example/envios", **fields}
        response = self.client.post(f"/chat/api/sites/{self.site.key}/sessions/?lang=en", json.dumps(body),
                                    content_type="application/json")
        if response.status_code == 201:
            self.id, self.token = response.json()["id"], response.json()["token"]
        return response

    def post(self, path: str, body: dict, *, raw: str | None = None):
        return self.client.post(f"/chat/api/sessions/{self.id}/{path}/?lang=en", raw if raw is not None else json.dumps(body),
                                content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {self.token}")

    def messages(self, after: int = 0):
        return self.client.get(f"/chat/api/sessions/{self.id}/messages/?after={after}&lang=en",
                               HTTP_AUTHORIZATION=f"Bearer {self.token}")


@pytest.fixture
def visitor(site) -> Visitor:
    return Visitor(site)


def proof(email: str) -> str:
    return identity_hash(SECRET, email)
