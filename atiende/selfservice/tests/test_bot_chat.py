"""The first-responder bot on the chat widget: articles first, "yes" solves and counts, "no" goes
to a person, the SLA's first response waits for a person, internal articles are never offered."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from atiende.chat.models import ChatSession
from atiende.chat.tests.conftest import Visitor
from atiende.kb import services as kb_services
from atiende.selfservice.bot import bot_answer, bot_channel_set, bot_greet
from atiende.selfservice.models import BotConversation, BotState, Deflection, HandOff
from atiende.selfservice.selectors import deflection_report
from atiende.sla.models import Clock, ClockState, Metric
from atiende.sla.services.policies import policy_create
from atiende.tickets.models import (
    AuthorKind,
    Delivery,
    DeliveryStatus,
    Message,
    MessageKind,
    TicketEvent,
)
from atiende.tickets.services import message_create

pytestmark = pytest.mark.django_db

QUESTION = "Do you ship to Merida?"


def for_agents(msgid: str) -> str:
    """Words the bot writes for agents, in the site's language (notes, its own name)."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(msgid)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def articles(world):
    def make(title, body, visibility="public", language="en"):
        return kb_services.article_create(actor=world.agent1, title=title, body=body, status="published",
                                          visibility=visibility, language=language)
    return {
        "shipping": make("Shipping to Merida and the rest of Mexico", "We ship to Merida in 3 business days."),
        "internal": make("Shipping to Merida: internal carrier codes", "Carrier code MID-7 for Merida shipping.",
                         "internal"),
        "spanish": make("Envíos a Mérida", "Enviamos a Mérida en 3 días hábiles.", language="es"),
    }


@pytest.fixture
def chat_bot(world):
    bot_channel_set(actor=world.admin, channel="chat", enabled=True)


def start(site, capture, question=QUESTION):
    visitor = Visitor(site)
    with capture(execute=True):
        assert visitor.start(question=question).status_code == 201
    return visitor, ChatSession.objects.get(public_id=visitor.id).ticket


def texts(visitor) -> list[tuple[str, bool]]:
    return [(m["text"], m["mine"]) for m in visitor.messages().json()["messages"]]


def test_the_bot_offers_matching_public_articles_in_the_visitors_language(world, site, online, articles, chat_bot,
                                                                          django_capture_on_commit_callbacks):
    visitor, ticket = start(site, django_capture_on_commit_callbacks)
    (question, mine), (offer, bots) = texts(visitor)
    assert (question, mine, bots) == (QUESTION, True, False)
    assert offer.splitlines() == [
        "Hi! I am the automatic help assistant. These articles may answer your question:",
        f"• Shipping to Merida and the rest of Mexico: http://localhost:8000/ayuda/articulo/{articles['shipping'].slug}/",
        "Did this solve your problem? Reply “yes” (1) or “no” (2), or “agent” to talk to a person.",
    ]
    assert "internal carrier" not in offer and "Envíos" not in offer  # never internal, never another language
    bot_message = Message.objects.get(ticket=ticket, author_kind=AuthorKind.SYSTEM)
    assert bot_message.kind == MessageKind.PUBLIC and bot_message.author_user.email == "bot@system.atiende.invalid"
    assert Delivery.objects.get(message=bot_message).status == DeliveryStatus.SENT
    assert visitor.post("read", {"id": bot_message.pk}).status_code == 200  # the widget showed it
    assert Delivery.objects.get(message=bot_message).status == DeliveryStatus.READ
    conversation = BotConversation.objects.get(ticket=ticket)
    assert (conversation.state, conversation.article_ids, conversation.language) == (
        BotState.OFFERED, [articles["shipping"].pk], "en")


def test_yes_counts_a_deflection_and_solves_the_conversation(world, site, online, articles, chat_bot,
                                                             django_capture_on_commit_callbacks):
    visitor, ticket = start(site, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert visitor.post("messages", {"text": "Yes!", "id": "m2"}).status_code == 201
    assert texts(visitor)[-1] == ("Great, I'm glad it helped! I have marked your request as solved. If you need "
                                  "anything else, just write here.", False)
    ticket.refresh_from_db()
    assert ticket.status == "solved"
    assert TicketEvent.objects.filter(ticket=ticket, field="status", new_value="solved",
                                        actor__email="bot@system.atiende.invalid").count() == 1
    deflection = Deflection.objects.get()
    assert (deflection.source, deflection.article, deflection.question, deflection.customer) == (
        "bot", articles["shipping"], "Do you ship to Merida?", ticket.requester)
    report = deflection_report(viewer=world.admin)
    assert report.by_source["First responder bot"] == 1 and report.deflected == 1
    assert BotConversation.objects.get(ticket=ticket).state == BotState.SOLVED


def test_no_hands_the_chat_to_the_team_and_says_so(world, site, online, articles, chat_bot,
                                                   django_capture_on_commit_callbacks):
    visitor, ticket = start(site, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        visitor.post("messages", {"text": "no", "id": "m2"})
    assert texts(visitor)[-1] == ("All right: I am passing your conversation to a person from our team. They will "
                                  "answer you here.", False)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.team) == ("new", world.team1)  # in the team's queue, as any new chat
    assert ChatSession.objects.get(public_id=visitor.id).state == "queued"
    note = Message.objects.get(ticket=ticket, kind=MessageKind.INTERNAL)
    assert for_agents("the customer said the articles did not help") in note.body_text
    assert BotConversation.objects.get(ticket=ticket).hand_off == HandOff.UNHELPFUL
    assert Deflection.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):  # the bot holds it no more: "yes" now is for people
        visitor.post("messages", {"text": "si", "id": "m3"})
    assert Message.objects.filter(ticket=ticket, author_kind=AuthorKind.SYSTEM).count() == 2
    assert Deflection.objects.count() == 0


def test_nothing_matching_goes_straight_to_a_person(world, site, online, articles, chat_bot,
                                                    django_capture_on_commit_callbacks):
    visitor, ticket = start(site, django_capture_on_commit_callbacks, question="My invoice has the wrong tax ID")
    assert texts(visitor)[-1] == ("I could not find an article about this. A person from our team will answer "
                                  "you here.", False)
    assert BotConversation.objects.get(ticket=ticket).hand_off == HandOff.NO_MATCH


def test_only_an_internal_article_matching_is_no_match(world, site, online, articles, chat_bot,
                                                       django_capture_on_commit_callbacks):
    visitor, ticket = start(site, django_capture_on_commit_callbacks, question="carrier code MID-7")
    offered = " ".join(text for text, _mine in texts(visitor))
    assert "internal carrier codes" not in offered and "/ayuda/" not in offered
    assert BotConversation.objects.get(ticket=ticket).hand_off == HandOff.NO_MATCH


def test_the_bot_is_off_unless_an_administrator_turns_it_on(world, site, online, articles,
                                                            django_capture_on_commit_callbacks):
    visitor, ticket = start(site, django_capture_on_commit_callbacks)
    assert len(texts(visitor)) == 1 and not BotConversation.objects.exists()
    bot_channel_set(actor=world.admin, channel="chat", enabled=True)
    bot_channel_set(actor=world.admin, channel="chat", enabled=False)
    visitor, ticket = start(site, django_capture_on_commit_callbacks)
    assert len(texts(visitor)) == 1 and not BotConversation.objects.exists()
    from atiende.core.exceptions import Invalid, NotFound
    with pytest.raises(NotFound):
        bot_channel_set(actor=world.supervisor, channel="chat", enabled=True)
    with pytest.raises(Invalid):
        bot_channel_set(actor=world.admin, channel="email", enabled=True)


def test_the_bots_reply_is_not_the_first_response_nor_an_agents_reply(world, site, online, articles, chat_bot, always,
                                                                       django_capture_on_commit_callbacks):
    policy_create(actor=world.admin, name="Chat", targets={"first_response": {"minutes": 30, "calendar": always.pk},
                                                          "next_response": {"minutes": 30, "calendar": always.pk}})
    visitor, ticket = start(site, django_capture_on_commit_callbacks)
    first = Clock.objects.get(ticket=ticket, metric=Metric.FIRST_RESPONSE)
    due = first.due_at
    assert first.state == ClockState.RUNNING and first.stopped_at is None and due is not None
    with django_capture_on_commit_callbacks(execute=True):
        visitor.post("messages", {"text": "agent please", "id": "m2"})  # the bot hands off: a second bot message
    ticket.refresh_from_db()
    first.refresh_from_db()
    assert Message.objects.filter(ticket=ticket, kind=MessageKind.PUBLIC, author_kind=AuthorKind.SYSTEM).count() == 2
    assert not Message.objects.filter(ticket=ticket, author_kind=AuthorKind.AGENT, kind=MessageKind.PUBLIC).exists()
    assert (first.state, first.stopped_at, first.due_at) == (ClockState.RUNNING, None, due)
    assert ticket.status == "new" and ticket.sla_due_at == due
    assert not Clock.objects.filter(ticket=ticket, metric=Metric.NEXT_RESPONSE).exists()  # no agent reply to follow
    with django_capture_on_commit_callbacks(execute=True):
        message_create(actor=world.agent1, ticket=ticket, body="Hola, soy Ulises.")
    first.refresh_from_db()
    assert first.state == ClockState.STOPPED and first.stopped_at is not None  # a person's reply is the response


def test_greeting_and_answering_twice_do_nothing_twice(world, site, online, articles, chat_bot,
                                                       django_capture_on_commit_callbacks):
    visitor, ticket = start(site, django_capture_on_commit_callbacks)
    assert bot_greet(ticket_id=ticket.pk) is False  # a retried job
    with django_capture_on_commit_callbacks(execute=True):
        visitor.post("messages", {"text": "1", "id": "m2"})
        visitor.post("messages", {"text": "1", "id": "m2"})  # the widget's retry: taken in once
    answer = Message.objects.filter(ticket=ticket, author_kind=AuthorKind.CUSTOMER).last()
    assert bot_answer(message_id=answer.pk) is None  # the job run again
    assert Deflection.objects.count() == 1
    assert Message.objects.filter(ticket=ticket, author_kind=AuthorKind.SYSTEM).count() == 2


def test_an_agent_who_answers_first_takes_the_conversation_from_the_bot(world, site, online, articles, chat_bot,
                                                                        django_capture_on_commit_callbacks):
    visitor, ticket = start(site, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        message_create(actor=world.agent1, ticket=ticket, body="Hola, ¿en qué te ayudo?")
        visitor.post("messages", {"text": "yes", "id": "m2"})
    assert BotConversation.objects.get(ticket=ticket).hand_off == HandOff.AGENT
    assert Deflection.objects.count() == 0
    assert Message.objects.filter(ticket=ticket, author_kind=AuthorKind.SYSTEM).count() == 1


def test_the_agent_sees_everything_the_bot_said_on_the_ticket(world, site, online, articles, chat_bot,
                                                              django_capture_on_commit_callbacks):
    visitor, ticket = start(site, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        visitor.post("messages", {"text": "persona", "id": "m2"})
    response = world.client_for(world.agent1).get(f"/api/v1/tickets/{ticket.pk}/messages/")
    assert response.status_code == 200
    authors = [(m["author"]["kind"], m["author"]["name"]) for m in response.json()["results"]]
    bot = for_agents("Help assistant")  # the system actor's name; its internal note is staff's, as every system note
    assert authors == [("customer", "Valeria Visitante"), ("system", bot), ("customer", "Valeria Visitante"),
                       ("system", bot), ("agent", bot)]
    page = Client()
    page.force_login(world.agent1, backend="atiende.accounts.backends.EmailBackend")
    body = page.get(f"/tickets/{ticket.number}/").content.decode()
    assert "Shipping to Merida and the rest of Mexico" in body and for_agents("the customer asked for a person") in body


def test_a_first_no_brings_other_articles_and_a_second_no_a_person(world, site, online, articles, chat_bot,
                                                                    django_capture_on_commit_callbacks):
    for n in range(4):  # more matching articles than one offer shows
        kb_services.article_create(actor=world.agent1, title=f"Shipping to Merida, case {n}", status="published",
                                   body=f"Merida shipping times for parcels of size {n}.", visibility="public",
                                   language="en")
    visitor, ticket = start(site, django_capture_on_commit_callbacks)
    first = BotConversation.objects.get(ticket=ticket).article_ids
    assert len(first) == 3
    with django_capture_on_commit_callbacks(execute=True):
        visitor.post("messages", {"text": "no", "id": "m2"})
    second_offer = texts(visitor)[-1][0]
    assert second_offer.startswith("Let me try again. These articles may help too:")
    conversation = BotConversation.objects.get(ticket=ticket)
    assert (conversation.state, conversation.unhelpful, len(conversation.article_ids)) == (BotState.OFFERED, 1, 5)
    assert set(first) < set(conversation.article_ids)  # nothing offered twice
    assert not Message.objects.filter(ticket=ticket, kind=MessageKind.INTERNAL).exists()  # no hand-off yet
    with django_capture_on_commit_callbacks(execute=True):
        visitor.post("messages", {"text": "no", "id": "m3"})
    conversation.refresh_from_db()
    assert (conversation.state, conversation.hand_off) == (BotState.HANDED_OFF, HandOff.UNHELPFUL)
    assert texts(visitor)[-1][0].startswith("All right: I am passing your conversation to a person")


def test_asking_for_a_person_hands_off_at_once(world, site, online, articles, chat_bot,
                                               django_capture_on_commit_callbacks):
    visitor, ticket = start(site, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        visitor.post("messages", {"text": "quiero hablar con una persona", "id": "m2"})
    assert BotConversation.objects.get(ticket=ticket).hand_off == HandOff.ASKED
