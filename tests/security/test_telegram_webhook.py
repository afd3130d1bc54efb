# ruff: noqa: F811 - the fake Bot API and bot fixtures are imported from the app's conftest
"""Attacks on the Telegram channel: forged updates, odd secrets, file paths that leave the bot's
files, and the bot token leaking into answers or records."""

from __future__ import annotations

import pytest
from django.test import Client

from atiende.telegram.models import TelegramBot, TelegramUpdate
from atiende.telegram.tests.conftest import BOT_TOKEN, SECRET, bot, botapi, message, post, update  # noqa: F401
from atiende.tickets.models import Channel, Message, Ticket

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("secret", ["ñandú", "\u202e" + SECRET, SECRET + "\x00", "x" * 20000, SECRET + " "])
def test_odd_secret_headers_are_401_never_500(bot, secret):
    body = b'{"update_id": 1, "message": {}}'
    client = Client()
    response = client.post(f"/api/v1/channels/telegram/{bot.pk}/webhook/", data=body, content_type="application/json",
                           HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=secret)
    assert response.status_code == 401
    assert not TelegramUpdate.objects.exists()


def test_the_secret_is_checked_before_the_body_is_read(bot):
    # An unauthenticated sender cannot make us parse (or store) anything, not even a huge body.
    response = post(Client(), bot, None, raw=b"[" * 500000, secret="adivina")
    assert response.status_code == 401


@pytest.mark.parametrize("path", ["/etc/passwd", "https://evil.example/x.jpg", "photos/../../../bot-other/x",
                                  "..", "photos/a.jpg?x=1", "//evil.example/x", "photos/a b.jpg"])
def test_a_file_path_from_getfile_never_leaves_the_bots_files(bot, botapi, path, django_capture_on_commit_callbacks):
    botapi.files["AgAD-x"] = (path, b"secreto del servidor")
    item = message(5, "Mira", photo=[{"file_id": "AgAD-x", "file_unique_id": "u", "file_size": 20, "width": 9, "height": 9}])
    with django_capture_on_commit_callbacks(execute=True):
        assert post(Client(), bot, update(5, item)).status_code == 200
    assert botapi.calls("download") == []
    assert not Message.objects.get(ticket__channel=Channel.TELEGRAM).attachments.exists()


def test_the_token_appears_in_no_answer_and_no_record(bot, botapi, world, django_capture_on_commit_callbacks):
    botapi.answers["getFile"] = [(500, {"ok": False, "error_code": 500, "description": "Internal Server Error"})]
    item = message(6, "Foto", photo=[{"file_id": "AgAD-y", "file_unique_id": "u", "file_size": 20, "width": 9, "height": 9}])
    with django_capture_on_commit_callbacks(execute=True):
        response = post(Client(), bot, update(6, item))
    secret_part = BOT_TOKEN.split(":")[1]
    assert secret_part.encode() not in response.content
    text = Message.objects.get(ticket__channel=Channel.TELEGRAM).body_text
    assert secret_part not in text and secret_part not in TelegramUpdate.objects.get().error
    api = world.client_for(world.admin)
    assert secret_part.encode() not in api.get(f"/api/v1/channels/telegram/{bot.pk}/").content
    assert secret_part.encode() not in api.get("/api/schema/").content


def test_an_update_for_a_group_cannot_name_a_private_chat_to_reach_a_ticket(bot, django_capture_on_commit_callbacks):
    # The chat's type decides, not the presence of a sender: a group with a "from" is still a group.
    item = message(7, "hola", chat={"id": -100200300, "type": "supergroup", "title": "Grupo"})
    with django_capture_on_commit_callbacks(execute=True):
        assert post(Client(), bot, update(7, item)).status_code == 200
    assert not Ticket.objects.filter(channel=Channel.TELEGRAM).exists()
    assert TelegramBot.objects.get().pk == bot.pk
