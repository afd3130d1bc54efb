"""The Telegram bot in the Django admin: secrets typed in, stored encrypted, never shown; the
webhook set through the same service as the API."""

from __future__ import annotations

import pytest
from django.test import Client

from atiende.telegram.models import TelegramBot, WebhookState

from .conftest import BOT_TOKEN, SECRET

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(world):
    client = Client()
    client.force_login(world.admin, backend="atiende.accounts.backends.EmailBackend")
    return client


def test_an_admin_adds_a_bot_and_its_secrets_are_not_shown_again(admin_client_, world, botapi,
                                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_.post("/admin/telegram/telegrambot/add/", {
            "name": "Soporte", "bot_token": BOT_TOKEN, "secret_token": SECRET, "api_base": botapi.base,
            "team": world.team1.pk, "active": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    bot = TelegramBot.objects.get()
    assert (bot.bot_token, bot.secret_token, bot.telegram_id) == (BOT_TOKEN, SECRET, "7712345678")
    assert bot.webhook_state == WebhookState.SET
    assert botapi.calls("setWebhook")[0]["json"]["url"] == f"http://testserver/api/v1/channels/telegram/{bot.pk}/webhook/"
    page = admin_client_.get(f"/admin/telegram/telegrambot/{bot.pk}/change/")
    assert page.status_code == 200
    assert BOT_TOKEN.encode() not in page.content and SECRET.encode() not in page.content
    # Saving without typing the secrets again keeps them.
    response = admin_client_.post(f"/admin/telegram/telegrambot/{bot.pk}/change/", {
        "name": "Soporte MX", "api_base": botapi.base, "team": world.team1.pk, "active": "on"})
    assert response.status_code == 302
    bot.refresh_from_db()
    assert (bot.name, bot.bot_token, bot.secret_token) == ("Soporte MX", BOT_TOKEN, SECRET)


@pytest.mark.parametrize(("field", "value"), [("api_base", "http://10.0.0.1"), ("bot_token", "no-token"),
                                              ("secret_token", "con espacio")])
def test_the_admin_refuses_bad_values(admin_client_, field, value):
    data = {"name": "Soporte", "bot_token": BOT_TOKEN, "secret_token": SECRET, "api_base": "https://api.telegram.org",
            "active": "on", field: value}
    assert admin_client_.post("/admin/telegram/telegrambot/add/", data).status_code == 200
    assert not TelegramBot.objects.exists()


def test_supervisors_do_not_reach_the_bots_in_the_admin(world):
    client = Client()
    client.force_login(world.supervisor, backend="atiende.accounts.backends.EmailBackend")
    assert client.get("/admin/telegram/telegrambot/").status_code in (302, 403)
