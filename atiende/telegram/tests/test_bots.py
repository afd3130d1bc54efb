"""Connecting bots: administrators only, secrets encrypted at rest and never returned, the webhook
set with the secret after commit and its result shown."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from atiende.telegram.models import TelegramBot, WebhookState

from .conftest import BOT_TOKEN, SECRET

pytestmark = pytest.mark.django_db


@pytest.fixture
def new(botapi) -> dict:
    return {"name": "Soporte Nopal", "bot_token": BOT_TOKEN, "secret_token": SECRET, "api_base": botapi.base}


def _raw(bot_id: int) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT bot_token, secret_token FROM telegram_telegrambot WHERE id = %s", [bot_id])
        return cursor.fetchone()


def test_an_admin_connects_a_bot_the_webhook_is_set_and_the_secrets_never_come_back(world, botapi, new,
                                                                                 django_capture_on_commit_callbacks):
    api = world.client_for(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/channels/telegram/", {**new, "team": world.team1.pk}, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) == {"id", "name", "telegram_id", "api_base", "team", "active", "webhook_url", "webhook",
                         "created_at"}
    assert data["telegram_id"] == "7712345678"
    assert data["webhook_url"] == f"http://testserver/api/v1/channels/telegram/{data['id']}/webhook/"
    assert "AAHdq" not in data["webhook_url"]
    # setWebhook: the URL, the secret and only the updates we read.
    [call] = botapi.calls("setWebhook")
    assert call["path"] == f"/bot{BOT_TOKEN}/setWebhook"
    assert call["json"] == {"url": data["webhook_url"], "secret_token": SECRET,
                            "allowed_updates": ["message", "edited_message"]}
    shown = api.get(f"/api/v1/channels/telegram/{data['id']}/").json()
    assert shown["webhook"]["state"] == "set" and shown["webhook"]["checked_at"]
    for body in (response.content, api.get(f"/api/v1/channels/telegram/{data['id']}/").content,
                 api.get("/api/v1/channels/telegram/").content):
        assert BOT_TOKEN.encode() not in body and SECRET.encode() not in body
    stored = _raw(data["id"])
    assert all(value.startswith("gAAAAA") for value in stored)  # Fernet tokens
    assert not any(secret in value for value in stored for secret in (BOT_TOKEN, SECRET))
    bot = TelegramBot.objects.get(pk=data["id"])
    assert (bot.bot_token, bot.secret_token, bot.team) == (BOT_TOKEN, SECRET, world.team1)


def test_the_default_api_base_is_telegrams(world, new):
    del new["api_base"]
    bot = TelegramBot.objects.get(pk=world.client_for(world.admin).post(
        "/api/v1/channels/telegram/", new, format="json").json()["id"])
    assert bot.api_base == "https://api.telegram.org"


def test_a_refused_set_webhook_is_reported_not_a_500(world, botapi, new, django_capture_on_commit_callbacks):
    botapi.answers["setWebhook"] = [(400, {"ok": False, "error_code": 400,
                                           "description": "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"})]
    api = world.client_for(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/channels/telegram/", new, format="json")
    assert response.status_code == 201
    bot = TelegramBot.objects.get()
    assert bot.webhook_state == WebhookState.FAILED
    # In the site's language around Telegram's own words.
    assert bot.webhook_detail.endswith("setWebhook (400): Bad Request: bad webhook: An HTTPS URL must be provided "
                                       "for webhook")
    assert api.get(f"/api/v1/channels/telegram/{bot.pk}/").json()["webhook"]["state"] == "failed"


def test_an_unreachable_api_is_reported_too(world, new, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client_for(world.admin).post("/api/v1/channels/telegram/", {**new, "api_base": "http://127.0.0.1:9"},
                                                      format="json")
    assert response.status_code == 201
    bot = TelegramBot.objects.get()
    assert bot.webhook_state == WebhookState.FAILED
    assert "ConnectError" in bot.webhook_detail and BOT_TOKEN not in bot.webhook_detail


def test_patch_keeps_the_secrets_it_is_not_given_and_sets_the_webhook_again(world, bot, botapi,
                                                                            django_capture_on_commit_callbacks):
    api = world.client_for(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.patch(f"/api/v1/channels/telegram/{bot.pk}/", {"name": "Ventas", "secret_token": "otro-secreto"},
                             format="json")
    assert response.status_code == 200
    bot.refresh_from_db()
    assert (bot.name, bot.bot_token, bot.secret_token) == ("Ventas", BOT_TOKEN, "otro-secreto")
    assert [c["json"]["secret_token"] for c in botapi.calls("setWebhook")] == ["otro-secreto"]


def test_delete_disconnects_the_bot_and_asks_telegram_to_stop(world, bot, botapi, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert world.client_for(world.admin).delete(f"/api/v1/channels/telegram/{bot.pk}/").status_code == 204
    assert not TelegramBot.objects.exists()
    assert [c["path"] for c in botapi.requests] == [f"/bot{BOT_TOKEN}/deleteWebhook"]
    assert Client().post(f"/api/v1/channels/telegram/{bot.pk}/webhook/", data=b"{}", content_type="application/json",
                         HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=SECRET).status_code == 404


@pytest.mark.parametrize(("field", "value"), [
    ("api_base", "http://api.telegram.org"), ("api_base", "https://user:pw@api.telegram.org"),
    ("api_base", "file:///etc/passwd"), ("api_base", "https://api.telegram.org?x=1"),
    ("bot_token", "no-es-un-token"), ("bot_token", "123:corto"), ("bot_token", "123456:AAH/../../etc/passwd/abcdefgh"),
    ("secret_token", "con espacios"), ("secret_token", "ñandú"), ("secret_token", "x" * 257), ("team", 999999),
])
def test_bad_configuration_is_refused(world, new, field, value):
    response = world.client_for(world.admin).post("/api/v1/channels/telegram/", {**new, field: value}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert not TelegramBot.objects.exists()


def test_one_bot_is_connected_once(world, new):
    api = world.client_for(world.admin)
    assert api.post("/api/v1/channels/telegram/", new, format="json").status_code == 201
    again = {**new, "bot_token": BOT_TOKEN.split(":")[0] + ":OtroTokenRevocadoYNuevo_123456"}
    assert api.post("/api/v1/channels/telegram/", again, format="json").status_code == 400
    assert TelegramBot.objects.count() == 1


@pytest.mark.parametrize("who", ["supervisor", "agent1", "collaborator"])
def test_only_administrators_connect_bots(world, new, botapi, who, django_capture_on_commit_callbacks):
    api = world.client_for(getattr(world, who))
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post("/api/v1/channels/telegram/", new, format="json").status_code == 403
    assert api.get("/api/v1/channels/telegram/").status_code == 403
    assert not TelegramBot.objects.exists()
    assert botapi.requests == []
