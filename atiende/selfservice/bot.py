"""The first-responder bot: it answers a new conversation (chat widget, WhatsApp, Telegram) first
with the knowledge-base articles that best match the customer's words — titles and links only,
never text of its own about the problem — and asks whether that solved it. "Yes" counts a
deflection and solves the ticket; "a person" or no match hands the conversation to the team
whose queue the ticket is already in, and says so; "no" (or an answer that is neither) brings the
next best articles once, and a second such answer hands it over.

It writes through the ticket services as the system actor "bot", with `system_message_send`:
its words are system messages, so they stop no SLA clock and count as no agent's reply. It is
reached through the ports of the apps below it: `CHAT_FIRST_RESPONDERS` (`chat_first_responder`)
for the chat, the ticket hooks (`selfservice.hooks.BotHooks`) for WhatsApp, Telegram and every
customer's answer. Each channel is off until an administrator turns it on (`BotChannel`)."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from atiende.accounts.models import User
from atiende.accounts.permissions import is_admin
from atiende.accounts.services import system_actor
from atiende.core import clock
from atiende.core.exceptions import Invalid, NotFound
from atiende.core.languages import interface_language
from atiende.kb.models import Article
from atiende.kb.permissions import can_view_article
from atiende.search.services import missed_query_log
from atiende.tickets.models import AuthorKind, Channel, Message, MessageKind, Ticket
from atiende.tickets.services import message_create, system_message_send, ticket_update
from atiende.tickets.status import TicketStatus, behaviour

from .bot_words import NO, PERSON, YES, reply_meaning
from .models import BotChannel, BotChannelName, BotConversation, BotState, DeflectionSource, HandOff
from .selectors import clean_question, customer_viewer, language_code, suggestions_for_request
from .services import deflection_record

logger = logging.getLogger(__name__)

BOT_ARTICLES = 3  # a phone screen's worth of links
UNHELPFUL_ANSWERS = 2  # after this many answers that were not "yes", a person takes over
MISSED_KIND = "bot"
HAND_OFF_BY_MEANING = {NO: HandOff.UNHELPFUL, PERSON: HandOff.ASKED}


# --- switching it on and off -----------------------------------------------------------------

def bot_enabled(channel: str) -> bool:
    return BotChannel.objects.filter(channel=channel, enabled=True).exists()


def bot_channel_set(*, actor: User, channel: str, enabled: bool) -> BotChannel:
    """Administrators turn the bot on or off for a channel (also in the Django admin)."""
    if not is_admin(actor):
        raise NotFound()
    if channel not in BotChannelName.values:
        raise Invalid(fields={"channel": _("Unknown channel.")})
    row, _created = BotChannel.objects.update_or_create(channel=channel, defaults={"enabled": enabled})
    return row


# --- the chat's port -------------------------------------------------------------------------

def chat_first_responder(session: Any) -> bool:
    """Listed in `CHAT_FIRST_RESPONDERS`: offered each new chat after commit. True when the bot
    offered articles (it holds the conversation until the visitor answers)."""
    if session.ticket_id is None or not bot_enabled(Channel.CHAT):
        return False
    return bot_greet(ticket_id=session.ticket_id, language=session.language)


# --- the conversation ------------------------------------------------------------------------

def bot_greet(*, ticket_id: int, language: str = "") -> bool:
    """Answer a new ticket's first message with matching articles (True), or hand it to a person
    at once when none matches (False). Once per ticket: a second call (a retried job) finds the
    conversation and does nothing; nor does it speak once a person has answered."""
    bot = system_actor("bot")
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
        if ticket is None or behaviour(ticket.status).is_terminal or _person_answered(ticket, after=0):
            return False
        if BotConversation.objects.filter(ticket=ticket).exists():
            return False
        language = language_code(language or ticket.requester.language)
        first = (Message.objects.filter(ticket=ticket, kind=MessageKind.PUBLIC, author_kind=AuthorKind.CUSTOMER)
                 .order_by("pk").values_list("body_text", flat=True).first()) or ""
        description = first if clean_question(first) != clean_question(ticket.subject) else ""
        found = suggestions_for_request(viewer=customer_viewer(ticket), subject=ticket.subject, description=description,
                                        language=language, limit=BOT_ARTICLES)
        conversation = BotConversation(ticket=ticket, language=language,
                                       question=clean_question(f"{ticket.subject} {description}"),
                                       article_ids=[s.article.pk for s in found])
        if not found:
            missed_query_log(kind=MISSED_KIND, text=conversation.question)
            _hand_off(bot, ticket, conversation, HandOff.NO_MATCH)
            return False
        with translation.override(interface_language(language)):
            offer = _offer_text([s.article for s in found])
        conversation.offer_message_id = system_message_send(actor=bot, ticket=ticket, body=offer).pk
        conversation.save()
    return True


def bot_answer(*, message_id: int) -> BotConversation | None:
    """Read the customer's answer to the bot's offer (`message_id`, a public customer message
    after it): yes solves, anything else hands off. The first answer decides; a message seen
    before, or one on a conversation the bot no longer holds, changes nothing."""
    bot = system_actor("bot")
    with transaction.atomic():
        message = (Message.objects.select_related("ticket__requester__user")
                   .filter(pk=message_id, kind=MessageKind.PUBLIC, author_kind=AuthorKind.CUSTOMER).first())
        if message is None:
            return None
        conversation = (BotConversation.objects.select_for_update()
                        .filter(ticket_id=message.ticket_id, state=BotState.OFFERED).first())
        if conversation is None or conversation.offer_message_id is None or message.pk <= conversation.offer_message_id:
            return None
        ticket = message.ticket
        if _person_answered(ticket, after=conversation.offer_message_id):
            _end(conversation, BotState.HANDED_OFF, HandOff.AGENT)  # a person has it: the bot steps back quietly
            return conversation
        meaning = reply_meaning(message.body_text)
        if meaning == YES:
            _solve(bot, ticket, conversation)
        elif meaning == PERSON:
            _hand_off(bot, ticket, conversation, HandOff.ASKED)
        else:
            conversation.unhelpful += 1
            more_words = message.body_text if meaning is None else ""  # an answer that says more searches again
            if conversation.unhelpful >= UNHELPFUL_ANSWERS or not _offer_more(bot, ticket, conversation, more_words):
                _hand_off(bot, ticket, conversation, HAND_OFF_BY_MEANING.get(meaning or "", HandOff.UNCLEAR))
    return conversation


def _offer_more(bot: User, ticket: Ticket, conversation: BotConversation, more_words: str) -> bool:
    """After an answer that was not "yes": the next best articles not offered yet, if any."""
    found = suggestions_for_request(viewer=customer_viewer(ticket), subject=conversation.question,
                                    description=clean_question(more_words), language=conversation.language,
                                    limit=BOT_ARTICLES + len(conversation.article_ids))
    fresh = [s.article for s in found if s.article.pk not in conversation.article_ids][:BOT_ARTICLES]
    if not fresh:
        return False
    with translation.override(interface_language(conversation.language)):
        offer = _offer_text(fresh, intro=_("Let me try again. These articles may help too:"))
    conversation.article_ids = [*conversation.article_ids, *(a.pk for a in fresh)]
    conversation.offer_message_id = system_message_send(actor=bot, ticket=ticket, body=offer).pk
    conversation.save()
    return True


def _solve(bot: User, ticket: Ticket, conversation: BotConversation) -> None:
    viewer = customer_viewer(ticket)
    article = None
    if len(conversation.article_ids) == 1:  # with several offered, which one helped is not known
        article = Article.objects.filter(pk=conversation.article_ids[0]).first()
        article = article if article is not None and can_view_article(viewer, article) else None
    deflection_record(actor=viewer, source=DeflectionSource.BOT, question=conversation.question,
                      language=conversation.language, article=article, customer=ticket.requester)
    with translation.override(interface_language(conversation.language)):
        words = _("Great, I'm glad it helped! I have marked your request as solved. If you need anything "
                  "else, just write here.")
    system_message_send(actor=bot, ticket=ticket, body=words)
    ticket_update(actor=bot, ticket=ticket, changes={"status": TicketStatus.SOLVED}, note="bot")
    _end(conversation, BotState.SOLVED, "")


def _hand_off(bot: User, ticket: Ticket, conversation: BotConversation, reason: str) -> None:
    """Tell the customer a person will answer, and the agents why (an internal note). The ticket
    stays where routing put it: its team's queue, as any new conversation."""
    with translation.override(interface_language(conversation.language)):
        if reason == HandOff.NO_MATCH:
            words = _("I could not find an article about this. A person from our team will answer you here.")
        else:
            words = _("All right: I am passing your conversation to a person from our team. They will answer "
                      "you here.")
    system_message_send(actor=bot, ticket=ticket, body=words)
    with translation.override(settings.LANGUAGE_CODE):
        note = _("The help assistant handed this conversation to the team: %(reason)s.") % {
            "reason": HandOff(reason).label}
    message_create(actor=bot, ticket=ticket, body=note, internal=True)
    _end(conversation, BotState.HANDED_OFF, reason)


def _end(conversation: BotConversation, state: str, reason: str) -> None:
    conversation.state, conversation.hand_off, conversation.ended_at = state, reason, clock.now()
    conversation.save()


def _person_answered(ticket: Ticket, *, after: int) -> bool:
    """An agent's public reply on the ticket after message id `after`."""
    return Message.objects.filter(ticket=ticket, kind=MessageKind.PUBLIC, author_kind=AuthorKind.AGENT,
                                  pk__gt=after).exists()


def _offer_text(articles: list[Article], intro: str = "") -> str:
    """The offer in the active language: the articles' titles and links, then the question."""
    base = settings.PUBLIC_URL.rstrip("/")
    lines = [intro or _("Hi! I am the automatic help assistant. These articles may answer your question:")]
    lines += [f"• {article.title}: {base}{reverse('help:article', args=[article.slug])}" for article in articles]
    lines.append(_("Did this solve your problem? Reply “yes” (1) or “no” (2), or “agent” to talk to a person."))
    return "\n".join(lines)
