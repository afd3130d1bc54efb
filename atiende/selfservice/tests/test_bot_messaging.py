"""The first-responder bot on WhatsApp and Telegram, through their webhooks and fake servers on
127.0.0.1: the offer goes out on the customer's channel, the customer's short answer is read in
Spanish or English, and a webhook delivered twice changes nothing twice."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from atiende.kb import services as kb_services
from atiende.selfservice.bot import bot_channel_set
from atiende.selfservice.models import (
    BotConversation,
    BotState,
    Deflection,
    DeflectionSource,
    HandOff,
)
from atiende.selfservice.selectors import deflection_report
from atiende.telegram.tests import conftest as tg
from atiende.tickets.models import AuthorKind, Channel, Message, MessageKind, Ticket
from atiende.whatsapp.tests import conftest as wa

pytestmark = pytest.mark.django_db

WA_ID = "5215512345678"
QUESTION = "Hola, ¿tienen envío a Mérida?"


@pytest.fixture
def articles(world):
    def make(title, body, visibility="public", language="es"):
        return kb_services.article_create(actor=world.agent1, title=title, body=body, status="published",
                                          visibility=visibility, language=language)
    return {
        "shipping": make("Envíos a Mérida y todo México", "Enviamos a Mérida en 3 días hábiles."),
        "internal": make("Envío a Mérida: claves internas de paquetería", "Clave MID-7 para envíos a Mérida.",
                         "internal"),
    }


@pytest.fixture
def say_on_whatsapp(number, django_capture_on_commit_callbacks):
    def say(text, wamid):
        with django_capture_on_commit_callbacks(execute=True):
            response = wa.post(Client(), number, wa.envelope(messages=[wa.text_message(wamid, WA_ID, text)],
                                                             contacts=[wa.contact(WA_ID, "José Pérez")]))
        assert response.status_code == 200
    return say


@pytest.fixture
def say_on_telegram(bot, django_capture_on_commit_callbacks):
    def say(text, update_id):
        with django_capture_on_commit_callbacks(execute=True):
            response = tg.post(Client(), bot, tg.update(update_id, tg.message(update_id, text)))
        assert response.status_code == 200
    return say


def sent_on_whatsapp(graph) -> list[str]:
    return [r["json"]["text"]["body"] for r in graph.requests if r["json"].get("type") == "text"]


def sent_on_telegram(botapi) -> list[str]:
    return [r["json"]["text"] for r in botapi.calls("sendMessage")]


def spanish(msgid: str) -> str:
    """The bot's words as a Spanish-speaking customer gets them (the catalogue's es-MX, once merged)."""
    with translation.override("es-mx"):
        return gettext(msgid)


def offer_of(articles) -> str:
    return "\n".join([
        spanish("Hi! I am the automatic help assistant. These articles may answer your question:"),
        f"• Envíos a Mérida y todo México: http://localhost:8000/ayuda/articulo/{articles['shipping'].slug}/",
        spanish("Did this solve your problem? Reply “yes” (1) or “no” (2), or “agent” to talk to a person."),
    ])


SOLVED = "Great, I'm glad it helped! I have marked your request as solved. If you need anything else, just write here."
HANDED = "All right: I am passing your conversation to a person from our team. They will answer you here."
NO_MATCH = "I could not find an article about this. A person from our team will answer you here."


def test_whatsapp_offer_then_si_solves_once_even_when_meta_repeats_the_webhook(world, graph, articles, say_on_whatsapp):
    bot_channel_set(actor=world.admin, channel="whatsapp", enabled=True)
    say_on_whatsapp(QUESTION, "wamid.Q1")
    ticket = Ticket.objects.get(channel=Channel.WHATSAPP)
    assert sent_on_whatsapp(graph)[-1] == offer_of(articles)  # after the acknowledgement
    graph.requests.clear()
    say_on_whatsapp("Sí", "wamid.A1")
    say_on_whatsapp("Sí", "wamid.A1")  # Meta delivers the same notification again
    assert sent_on_whatsapp(graph) == [spanish(SOLVED)]
    ticket.refresh_from_db()
    assert ticket.status == "solved"
    assert Deflection.objects.filter(source="bot", customer=ticket.requester).count() == 1
    assert deflection_report(viewer=world.admin).by_source[str(DeflectionSource.BOT.label)] == 1
    assert Message.objects.filter(ticket=ticket, author_kind=AuthorKind.CUSTOMER).count() == 2


@pytest.mark.parametrize(("answer", "reason"), [("2", HandOff.UNHELPFUL), ("agente", HandOff.ASKED),
                                                ("¿y a Cancún?", HandOff.UNCLEAR)])
def test_whatsapp_anything_but_yes_goes_to_the_team(world, graph, articles, say_on_whatsapp, answer, reason):
    bot_channel_set(actor=world.admin, channel="whatsapp", enabled=True)
    say_on_whatsapp(QUESTION, "wamid.Q1")
    graph.requests.clear()
    say_on_whatsapp(answer, "wamid.A1")
    assert sent_on_whatsapp(graph) == [spanish(HANDED)]
    ticket = Ticket.objects.get(channel=Channel.WHATSAPP)
    assert (ticket.status, ticket.team) == ("new", world.team1)  # the number's team: its queue, as today
    assert BotConversation.objects.get(ticket=ticket).hand_off == reason
    assert Message.objects.filter(ticket=ticket, kind=MessageKind.INTERNAL).count() == 1
    assert Deflection.objects.count() == 0


def test_whatsapp_is_off_by_default(world, graph, articles, say_on_whatsapp):
    bot_channel_set(actor=world.admin, channel="telegram", enabled=True)  # another channel's switch
    say_on_whatsapp(QUESTION, "wamid.Q1")
    assert offer_of(articles) not in sent_on_whatsapp(graph)
    assert not BotConversation.objects.exists()
    assert not Message.objects.filter(author_kind=AuthorKind.SYSTEM, kind=MessageKind.PUBLIC).exists()


def test_telegram_offer_then_english_yes_solves(world, botapi, articles, say_on_telegram):
    bot_channel_set(actor=world.admin, channel="telegram", enabled=True)
    say_on_telegram(QUESTION, 1)
    assert sent_on_telegram(botapi)[-1] == offer_of(articles)
    assert "claves internas" not in sent_on_telegram(botapi)[-1]  # the internal article is never offered
    botapi.requests.clear()
    say_on_telegram("yes", 2)
    say_on_telegram("yes", 2)  # Telegram retries an update it thinks was lost
    assert sent_on_telegram(botapi) == [spanish(SOLVED)]
    ticket = Ticket.objects.get(channel=Channel.TELEGRAM)
    assert ticket.status == "solved"
    assert BotConversation.objects.get(ticket=ticket).state == BotState.SOLVED
    assert Deflection.objects.count() == 1


def test_telegram_persona_hands_off_and_nothing_matching_hands_off_at_once(world, botapi, articles, say_on_telegram):
    bot_channel_set(actor=world.admin, channel="telegram", enabled=True)
    say_on_telegram(QUESTION, 1)
    botapi.requests.clear()
    say_on_telegram("Quiero hablar con una persona", 2)
    assert sent_on_telegram(botapi) == [spanish(HANDED)]
    ticket = Ticket.objects.get(channel=Channel.TELEGRAM)
    assert BotConversation.objects.get(ticket=ticket).hand_off == HandOff.ASKED
    assert ticket.status == "new"


def test_telegram_question_nothing_answers(world, botapi, articles, say_on_telegram):
    bot_channel_set(actor=world.admin, channel="telegram", enabled=True)
    say_on_telegram("Mi factura trae mal el RFC", 1)
    assert sent_on_telegram(botapi)[-1] == spanish(NO_MATCH)
    conversation = BotConversation.objects.get()
    assert (conversation.state, conversation.hand_off) == (BotState.HANDED_OFF, HandOff.NO_MATCH)


def test_spanish_customers_get_spanish_on_an_english_first_install(world, botapi, articles, say_on_telegram,
                                                                   settings):
    """The knowledge base says "es"; the bot must speak the es-MX catalogue, not borrow the site's
    language (a bare "es" falls back to LANGUAGE_CODE)."""
    settings.LANGUAGE_CODE = "en"
    bot_channel_set(actor=world.admin, channel="telegram", enabled=True)
    say_on_telegram("Mi factura trae mal el RFC", 1)
    assert sent_on_telegram(botapi)[-1] == spanish(NO_MATCH)
    assert spanish(NO_MATCH) != NO_MATCH
