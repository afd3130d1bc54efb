"""The webhook: the secret token, updates stored once, private chats taken in through the port,
everything else acknowledged and left, bad input refused with nothing stored."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from atiende.customers.models import Customer, Identity
from atiende.telegram.models import TelegramUpdate, UpdateState
from atiende.tickets.models import Channel, ChannelReceipt, Message, Ticket

from .conftest import BOT_TOKEN, SECRET, USER_ID, message, post, update

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _process(client, bot, payload, capture, **extra):
    with capture(execute=True):
        response = post(client, bot, payload, **extra)
    assert response.status_code == 200, response.content
    assert response.json() == {"received": True}
    return response


def _nothing_stored():
    assert TelegramUpdate.objects.count() == 0
    assert not Ticket.objects.filter(channel=Channel.TELEGRAM).exists()


# --- messages -------------------------------------------------------------------------------------

def test_a_private_text_message_opens_a_ticket_for_the_bots_team_and_is_acknowledged(
        bot, botapi, django_capture_on_commit_callbacks):
    payload = update(83241197, message(17, "¡Hola! Mi pedido llegó dañado, ¿qué hago? Ñandú incluido."))
    _process(Client(), bot, payload, django_capture_on_commit_callbacks)
    stored = TelegramUpdate.objects.get()
    assert (stored.update_id, stored.kind, stored.state) == (83241197, "message", UpdateState.PROCESSED)
    assert json.loads(stored.body) == payload
    ticket = Ticket.objects.get(channel=Channel.TELEGRAM)
    assert ticket.subject == "¡Hola! Mi pedido llegó dañado, ¿qué hago? Ñandú incluido."
    assert ticket.team == bot.team
    assert ticket.requester.name == "José Pérez Ñúñez"
    assert Identity.objects.get(customer=ticket.requester, kind="telegram").value == str(USER_ID)
    assert ticket.messages.get().body_text == "¡Hola! Mi pedido llegó dañado, ¿qué hago? Ñandú incluido."
    receipt = ChannelReceipt.objects.get(channel="telegram")
    assert receipt.external_id == f"{bot.pk}:{USER_ID}:17"
    assert receipt.received_at.timestamp() == 1765000000
    assert ticket.channel_threads.get().thread_key == f"{bot.pk}:{USER_ID}"
    # The acknowledgement went back to the chat through sendMessage.
    [sent] = botapi.calls("sendMessage")
    assert sent["path"] == f"/bot{BOT_TOKEN}/sendMessage"
    assert sent["json"]["chat_id"] == str(USER_ID)
    assert ticket.reference in sent["json"]["text"]


def test_a_user_with_only_a_username_is_named_by_it(bot, django_capture_on_commit_callbacks):
    item = message(3, "Buenas tardes")
    item["from"] = {"id": 555000111, "is_bot": False, "first_name": "", "username": "maria_lopez"}
    item["chat"] = {"id": 555000111, "type": "private", "username": "maria_lopez"}
    _process(Client(), bot, update(1, item), django_capture_on_commit_callbacks)
    assert Ticket.objects.get(channel=Channel.TELEGRAM).requester.name == "@maria_lopez"


def test_telegram_retries_create_nothing_twice(bot, botapi, django_capture_on_commit_callbacks):
    first = update(500, message(20, "Primer mensaje"))
    client = Client()
    _process(client, bot, first, django_capture_on_commit_callbacks)
    _process(client, bot, first, django_capture_on_commit_callbacks)  # the same update again
    # The same message under another update id (as if replayed) is still one message.
    _process(client, bot, update(501, message(20, "Primer mensaje")), django_capture_on_commit_callbacks)
    _process(client, bot, update(502, message(21, "Segundo mensaje", date=1765000060)), django_capture_on_commit_callbacks)
    assert sorted(TelegramUpdate.objects.values_list("update_id", flat=True)) == [500, 501, 502]
    assert Ticket.objects.filter(channel=Channel.TELEGRAM).count() == 1
    assert [m.body_text for m in Message.objects.filter(ticket__channel=Channel.TELEGRAM).order_by("pk")] == [
        "Primer mensaje", "Segundo mensaje"]
    assert len(botapi.calls("sendMessage")) == 1  # one acknowledgement


def test_a_sticker_leaves_a_placeholder(bot, django_capture_on_commit_callbacks):
    item = message(5, sticker={"file_id": "CAACAgIAAxkBAAE", "file_unique_id": "x", "width": 512, "height": 512,
                               "is_animated": False, "is_video": False, "type": "regular", "emoji": "😀"})
    _process(Client(), bot, update(9, item), django_capture_on_commit_callbacks, **EN)
    assert Message.objects.get(ticket__channel=Channel.TELEGRAM).body_text == "[Message of type sticker, not shown]"


# --- files ----------------------------------------------------------------------------------------

def _photo(file_id: str, size: int, width: int) -> dict:
    return {"file_id": file_id, "file_unique_id": "u" + file_id, "file_size": size, "width": width, "height": width}


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 600


def test_a_photo_brings_its_largest_size_under_the_cap_and_the_caption_is_the_text(
        bot, botapi, settings, django_capture_on_commit_callbacks):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    botapi.files["AgAD-medium"] = ("photos/file_7.jpg", JPEG)
    item = message(30, caption="Así llegó la caja 📦", photo=[
        _photo("AgAD-small", 90, 90), _photo("AgAD-medium", len(JPEG), 320), _photo("AgAD-huge", 2 * 1024 * 1024, 1280)])
    _process(Client(), bot, update(30, item), django_capture_on_commit_callbacks)
    stored = Message.objects.get(ticket__channel=Channel.TELEGRAM)
    assert stored.body_text == "Así llegó la caja 📦"
    attachment = stored.attachments.get()
    assert (attachment.size, attachment.content_type) == (len(JPEG), "image/jpeg")
    assert attachment.file.read() == JPEG
    assert [c["json"] for c in botapi.calls("getFile")] == [{"file_id": "AgAD-medium"}]
    assert [c["path"] for c in botapi.calls("download")] == [f"/file/bot{BOT_TOKEN}/photos/file_7.jpg"]


def test_a_document_is_downloaded_with_its_name(bot, botapi, django_capture_on_commit_callbacks):
    pdf = b"%PDF-1.4\n% factura\n" + b"0" * 200
    botapi.files["BQACAgEAAx"] = ("documents/file_3.pdf", pdf)
    item = message(31, document={"file_id": "BQACAgEAAx", "file_unique_id": "AgADx", "file_name": "factura-marzo.pdf",
                                 "mime_type": "application/pdf", "file_size": len(pdf)})
    _process(Client(), bot, update(31, item), django_capture_on_commit_callbacks)
    attachment = Message.objects.get(ticket__channel=Channel.TELEGRAM).attachments.get()
    assert (attachment.filename, attachment.size, attachment.file.read()) == ("factura-marzo.pdf", len(pdf), pdf)


def test_a_document_announced_over_the_cap_is_not_downloaded_and_the_message_says_so(
        bot, botapi, settings, django_capture_on_commit_callbacks):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    item = message(32, caption="El video del daño", document={
        "file_id": "BAAD-grande", "file_unique_id": "u", "file_name": "video.mp4", "mime_type": "video/mp4",
        "file_size": 15 * 1024 * 1024})
    _process(Client(), bot, update(32, item), django_capture_on_commit_callbacks, **EN)
    stored = Message.objects.get(ticket__channel=Channel.TELEGRAM)
    assert stored.body_text == "El video del daño\n\n[video.mp4 was not taken in: it is larger than the 1 MB allowed.]"
    assert not stored.attachments.exists()
    assert botapi.requests == [] or [c["method"] for c in botapi.requests] == ["sendMessage"]


def test_a_file_bigger_than_announced_is_cut_off_at_the_cap(bot, botapi, settings, django_capture_on_commit_callbacks):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    botapi.files["BQ-miente"] = ("documents/file_9.bin", b"x" * (1024 * 1024 + 1))
    botapi.announce["BQ-miente"] = 100  # getFile claims it is small
    item = message(33, "Te mando el archivo", document={"file_id": "BQ-miente", "file_unique_id": "u",
                                                        "file_name": "datos.bin", "file_size": 100})
    _process(Client(), bot, update(33, item), django_capture_on_commit_callbacks, **EN)
    stored = Message.objects.get(ticket__channel=Channel.TELEGRAM)
    assert stored.body_text == "Te mando el archivo\n\n[datos.bin was not taken in: it is larger than the 1 MB allowed.]"
    assert not stored.attachments.exists()


def test_a_file_that_cannot_be_fetched_leaves_a_note_and_the_message_is_taken_in(
        bot, botapi, django_capture_on_commit_callbacks):
    item = message(34, caption="Mi INE", photo=[_photo("AgAD-perdida", 500, 320)])
    _process(Client(), bot, update(34, item), django_capture_on_commit_callbacks, **EN)
    stored = Message.objects.get(ticket__channel=Channel.TELEGRAM)
    assert stored.body_text == ("Mi INE\n\n[photo.jpg could not be fetched from Telegram: Telegram refused getFile (400): "
                                "Bad Request: invalid file_id]")
    assert TelegramUpdate.objects.get().state == UpdateState.PROCESSED


def test_a_file_path_that_leaves_the_bots_files_is_not_followed(bot, botapi, django_capture_on_commit_callbacks):
    botapi.files["AgAD-raro"] = ("../../etc/passwd", b"root:x:0:0")
    item = message(35, "Foto", photo=[_photo("AgAD-raro", 10, 90)])
    _process(Client(), bot, update(35, item), django_capture_on_commit_callbacks, **EN)
    assert not Message.objects.get(ticket__channel=Channel.TELEGRAM).attachments.exists()
    assert botapi.calls("download") == []


# --- edits ----------------------------------------------------------------------------------------

def test_an_edit_replaces_the_words_and_keeps_the_old_ones(bot, world, django_capture_on_commit_callbacks):
    from atiende.tickets.selectors import ticket_timeline

    client = Client()
    _process(client, bot, update(40, message(50, "Mi número de pedido es 1234")), django_capture_on_commit_callbacks)
    edited = message(50, "Mi número de pedido es 12345", edit_date=1765000300)
    _process(client, bot, update(41, edited, kind="edited_message"), django_capture_on_commit_callbacks)
    _process(client, bot, update(41, edited, kind="edited_message"), django_capture_on_commit_callbacks)  # retried
    stored = Message.objects.get(ticket__channel=Channel.TELEGRAM)
    assert stored.body_text == "Mi número de pedido es 12345"
    revision = stored.revisions.get()
    assert (revision.body_text, revision.replaced_at.timestamp()) == ("Mi número de pedido es 1234", 1765000300)
    event = stored.ticket.events.get(field="message_edited")
    assert (event.old_value, event.new_value) == ("Mi número de pedido es 1234", "Mi número de pedido es 12345")
    assert TelegramUpdate.objects.get(update_id=41).state == UpdateState.PROCESSED
    items = ticket_timeline(user=world.admin, ticket=stored.ticket)
    assert [i.message.edited for i in items if i.message is not None] == [True]
    for user in (world.admin, stored.ticket.requester.user):  # the API says so to agents and the customer
        if user is None:
            continue
        answer = world.client_for(user).get(f"/api/v1/tickets/{stored.ticket.pk}/messages/")
        assert [m["edited"] for m in answer.json()["results"]] == [True]


def test_an_edit_of_a_message_never_taken_in_is_left(bot, django_capture_on_commit_callbacks):
    edited = message(77, "Corrijo", edit_date=1765000300)
    _process(Client(), bot, update(42, edited, kind="edited_message"), django_capture_on_commit_callbacks)
    assert TelegramUpdate.objects.get().state == UpdateState.IGNORED
    assert not Ticket.objects.filter(channel=Channel.TELEGRAM).exists()


# --- acknowledged and left ------------------------------------------------------------------------

@pytest.mark.parametrize("chat", [
    {"id": -1001234567890, "title": "Clientes Nopal", "type": "supergroup"},
    {"id": -4012345678, "title": "Familia", "type": "group"},
])
def test_a_group_message_is_acknowledged_and_takes_nothing_in(bot, botapi, chat, django_capture_on_commit_callbacks):
    _process(Client(), bot, update(60, message(8, "Hola a todos, ¿alguien sabe?", chat=chat)),
             django_capture_on_commit_callbacks)
    stored = TelegramUpdate.objects.get()
    assert (stored.state, stored.body) == (UpdateState.IGNORED, "")  # a trace, not the group's words
    assert chat["type"] in stored.error
    assert not Ticket.objects.filter(channel=Channel.TELEGRAM).exists()
    assert not Customer.objects.filter(identities__kind="telegram").exists()
    assert botapi.requests == []


@pytest.mark.parametrize("payload", [
    {"update_id": 70, "callback_query": {"id": "4382bfdwdsb323b2d9", "from": {"id": USER_ID, "is_bot": False,
                                                                              "first_name": "José"}, "data": "sí"}},
    {"update_id": 70, "my_chat_member": {"chat": {"id": USER_ID, "type": "private"}, "date": 1765000000}},
    {"update_id": 70, "channel_post": {"message_id": 1, "chat": {"id": -100123, "type": "channel"}, "date": 1,
                                       "text": "Aviso"}},
    {"update_id": 70},
])
def test_an_update_of_another_type_is_acknowledged_and_left(bot, payload, django_capture_on_commit_callbacks):
    _process(Client(), bot, payload, django_capture_on_commit_callbacks)
    assert TelegramUpdate.objects.get().state == UpdateState.IGNORED
    assert not Ticket.objects.filter(channel=Channel.TELEGRAM).exists()


# --- refused, nothing stored ----------------------------------------------------------------------

@pytest.mark.parametrize("secret", [None, "", "otro", SECRET + "x", SECRET.upper(), SECRET[:-1]])
def test_a_missing_or_wrong_secret_is_401_and_nothing_is_stored(bot, secret, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(Client(), bot, update(1, message(1, "hola")), secret=secret)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "bad_secret"
    _nothing_stored()


def test_another_bots_secret_does_not_open_this_one(bot, world, botapi, django_capture_on_commit_callbacks):
    from atiende.telegram.services import bot_create

    other = bot_create(actor=world.admin, site="https://x.mx/", name="Otro", bot_token="5550001:" + "B" * 35,
                       secret_token="secreto-del-otro", api_base=botapi.base)
    assert post(Client(), bot, update(1, message(1, "hola")), secret="secreto-del-otro").status_code == 401
    assert post(Client(), other, update(1, message(1, "hola"))).status_code == 401
    _nothing_stored()


@pytest.mark.parametrize("raw", [
    b"{no es json", b"\xff\xfe", b"[]", b'"hola"', b"{}", b'{"update_id": "1", "message": {}}', b'{"update_id": true}',
    b'{"update_id": 1, "message": {"message_id": 1, "text": "sin chat"}}',
    b'{"update_id": 1, "message": {"message_id": 1, "chat": {"id": 5, "type": "private"}, "text": "sin remitente"}}',
    b'{"update_id": 1, "edited_message": {"chat": {"id": 5, "type": "private"}, "from": {"id": 5}}}',
    b"[" * 100000 + b"]" * 100000,
])
def test_a_malformed_body_is_400_and_nothing_is_stored(bot, raw):
    response = post(Client(), bot, None, raw=raw)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "bad_payload"
    _nothing_stored()


def test_an_empty_body_is_400(bot):
    assert post(Client(), bot, None, raw=b"").status_code == 400
    _nothing_stored()


def test_a_body_over_1_mb_is_413_and_nothing_is_stored(bot):
    response = post(Client(), bot, update(1, message(1, "a" * (1024 * 1024))))
    assert response.status_code == 413
    _nothing_stored()


def test_an_inactive_or_unknown_bot_has_no_webhook(bot):
    bot.active = False
    bot.save()
    assert post(Client(), bot, update(1, message(1, "hola"))).status_code == 404
    assert Client().post("/api/v1/channels/telegram/999999/webhook/", data=b"{}", content_type="application/json",
                         HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=SECRET).status_code == 404
    _nothing_stored()
