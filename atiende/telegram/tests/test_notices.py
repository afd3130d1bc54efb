"""A notice to a customer who prefers Telegram goes into their chat with our bot (a bot may write
only to someone who started it), the whole text with the unsubscribe link; without a chat, by
email. The portal's "How we reach you" says which channels can reach them."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from atiende.accounts.services import customer_login_create
from atiende.customers.models import Customer, Identity
from atiende.notices import services as notices
from atiende.notices.models import NoticeRecipient, RecipientState
from atiende.tickets.models import Channel, Ticket

from .conftest import USER_ID, message, post, update

pytestmark = pytest.mark.django_db

BODY = "Hola, {{ customer.greeting_name }}:\n\nEstrenamos panel de control el lunes.\n\nSaludos"


@pytest.fixture
def jose(bot, botapi, world, django_capture_on_commit_callbacks) -> Customer:
    with django_capture_on_commit_callbacks(execute=True):
        post(Client(), bot, update(1, message(1, "Hola")))
    customer = Ticket.objects.get(channel=Channel.TELEGRAM).requester
    Identity.objects.create(customer=customer, kind="email", value="jose@example.mx")
    Customer.objects.filter(pk=customer.pk).update(organization=world.org_a, preferred_channel="telegram")
    botapi.requests.clear()
    mail.outbox.clear()
    return Customer.objects.get(pk=customer.pk)


def send_announcement(world, capture):
    notice = notices.notice_create(actor=world.supervisor, subject="Nuevo panel", body=BODY, language="es",
                                   essential=False, audience="organization", organization=world.org_a)
    with capture(execute=True):
        notices.notice_send(actor=world.supervisor, notice=notice)
    return notice


def test_a_customer_who_prefers_telegram_gets_the_notice_in_the_bots_chat(
        jose, bot, botapi, world, django_capture_on_commit_callbacks):
    notice = send_announcement(world, django_capture_on_commit_callbacks)
    row = NoticeRecipient.objects.get(notice=notice, customer=jose)
    assert (row.state, row.channel, row.address) == (RecipientState.SENT, "telegram", f"{bot.pk}:{USER_ID}")
    [request] = botapi.calls("sendMessage")
    text = request["json"]["text"]
    assert request["json"]["chat_id"] == str(USER_ID)
    assert text.startswith("Nuevo panel\n\nHola, José:") and "/soporte/avisos/baja/" in text
    assert "jose@example.mx" not in [to for m in mail.outbox for to in m.to]
    assert len(mail.outbox) == 3  # the organization's other customers, by email


def test_without_a_chat_with_an_active_bot_it_goes_by_email(jose, bot, botapi, world,
                                                            django_capture_on_commit_callbacks):
    bot.active = False
    bot.save(update_fields=["active"])
    notice = send_announcement(world, django_capture_on_commit_callbacks)
    row = NoticeRecipient.objects.get(notice=notice, customer=jose)
    assert (row.state, row.channel, row.address) == (RecipientState.SENT, "email", "jose@example.mx")
    assert botapi.calls("sendMessage") == []


def test_the_customer_chooses_in_the_portal_and_sees_what_reaches_them(jose, world, django_capture_on_commit_callbacks):
    ana = Client()
    ana.force_login(world.customer_a.user)
    page = ana.get("/soporte/preferencias/")
    assert page.status_code == 200
    html = page.content.decode()
    # Ana has an email address, never wrote to the bot and has no WhatsApp: two channels cannot reach her yet.
    assert 'data-channel="telegram"' in html and 'data-channel="whatsapp"' in html and 'data-channel="email"' not in html
    assert ana.post("/soporte/preferencias/", {"preferred_channel": "telegram"}).status_code == 302
    assert Customer.objects.get(pk=world.customer_a.pk).preferred_channel == "telegram"
    refused = ana.post("/soporte/preferencias/", {"preferred_channel": "paloma mensajera"})
    assert refused.status_code == 400
    assert Customer.objects.get(pk=world.customer_a.pk).preferred_channel == "telegram"
    # José reaches us on Telegram: nothing warns him there.
    login = customer_login_create(email="jose@example.mx", name="José", password=None)
    Customer.objects.filter(pk=jose.pk).update(user=login)
    jose_page = Client()
    jose_page.force_login(login)
    assert 'data-channel="telegram"' not in jose_page.get("/soporte/preferencias/").content.decode()
