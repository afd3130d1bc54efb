from __future__ import annotations

import re

from django.test import Client

from atiende.accounts.models import User

BACKEND = "atiende.accounts.backends.EmailBackend"


def client_for(user: User, language: str = "en") -> Client:
    """A signed-in client; English pages, so assertions read the msgids."""
    client = Client(headers={"accept-language": language})
    client.force_login(user, backend=BACKEND)
    return client


def link_in(body: str, path: str) -> str:
    """The path of the first link under `path` in a mail body."""
    match = re.search(r"https?://testserver(" + re.escape(path) + r"[^\s/]+/)", body)
    assert match, body
    return match.group(1)
