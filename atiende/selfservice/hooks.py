"""The first-responder bot listens to the tickets' hooks (`settings.TICKET_HOOKS`): a new WhatsApp
or Telegram conversation is greeted, and a customer's message on a conversation the bot holds is
read as the answer to its question, each by a job queued after the change commits (a bot that
fails never loses the customer's message)."""

from __future__ import annotations

from atiende.core.jobs import enqueue_after_commit
from atiende.tickets.hooks import TicketHooks
from atiende.tickets.models import AuthorKind, Channel, MessageKind

from . import bot, tasks
from .models import BotConversation, BotState

# The chat is greeted through its own port (CHAT_FIRST_RESPONDERS), before any person is offered it.
GREETED_BY_HOOK = frozenset({Channel.WHATSAPP, Channel.TELEGRAM})
ANSWERED = frozenset({Channel.CHAT, Channel.WHATSAPP, Channel.TELEGRAM})


class BotHooks(TicketHooks):
    def ticket_created(self, ticket, *, actor, message) -> None:
        if (ticket.channel in GREETED_BY_HOOK and message.author_kind == AuthorKind.CUSTOMER
                and bot.bot_enabled(ticket.channel)):
            enqueue_after_commit(tasks.bot_greet, ticket_id=ticket.pk)

    def message_added(self, message, *, actor) -> None:
        if message.kind != MessageKind.PUBLIC or message.author_kind != AuthorKind.CUSTOMER:
            return
        if message.ticket.channel in ANSWERED and BotConversation.objects.filter(
                ticket_id=message.ticket_id, state=BotState.OFFERED).exists():
            enqueue_after_commit(tasks.bot_answer, message_id=message.pk)
