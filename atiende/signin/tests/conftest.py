"""These tests read pages as their English msgids (es-MX is covered by the catalogue test)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import translation

from atiende.core import clock
from atiende.signin import totp
from atiende.signin.models import TotpDevice
from conftest import PASSWORD

LOGIN = "/cuenta/entrar/"
VERIFY = "/cuenta/dos-pasos/"
ENROL_AT_SIGN_IN = "/cuenta/dos-pasos/activar/"
ENROL = "/bandeja/cuenta/dos-pasos/activar/"
INBOX = "/bandeja/"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def current_code(user, *, at: float | None = None) -> str:
    """The code the user's authenticator app shows now (computed from the stored secret)."""
    key = TotpDevice.objects.get(user=user).key
    return totp.code_at(key, clock.now().timestamp() if at is None else at)


def recovery_codes_in(html: str) -> list[str]:
    return re.findall(r"<li><code>([a-z0-9-]{19})</code></li>", html)


def password_step(user, client: Client | None = None, **extra) -> Client:
    client = client or Client(**extra)
    response = client.post(LOGIN, {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def signed_in(client: Client) -> bool:
    return client.get(INBOX).status_code == 200


def enrol(user) -> list[str]:
    """Turn two-step verification on through the workspace page, as the user would, two minutes
    ago (a code is accepted once: the tests' sign-ins then use the current one)."""
    client = Client()
    client.force_login(user)
    with clock.frozen_at(clock.now() - timedelta(minutes=2)):
        assert client.get(ENROL).status_code == 200
        response = client.post(ENROL, {"code": current_code(user)})
    assert response.status_code == 200, response.content
    return recovery_codes_in(response.content.decode())
