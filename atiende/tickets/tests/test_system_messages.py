"""`system_message_send`: the product's own public words to a customer (the bot's), which no
person wrote: a system message, delivered like a reply, answering nothing."""

from __future__ import annotations

import pytest

from atiende.accounts.services import system_actor
from atiende.core.exceptions import Conflict, Forbidden
from atiende.tickets.models import AuthorKind, Message, MessageKind, Ticket
from atiende.tickets.services import system_message_send

pytestmark = pytest.mark.django_db


def test_a_system_message_is_public_and_moves_no_status(world):
    bot = system_actor("bot")
    message = system_message_send(actor=bot, ticket=world.ticket_b, body="Estos artículos pueden ayudarte.")
    assert (message.kind, message.author_kind, message.author_user) == (MessageKind.PUBLIC, AuthorKind.SYSTEM, bot)
    assert Ticket.objects.get(pk=world.ticket_b.pk).status == world.ticket_b.status == "new"


def test_only_system_actors_write_system_messages(world):
    for person in (world.agent1, world.admin, world.customer_b.user):
        with pytest.raises(Forbidden):
            system_message_send(actor=person, ticket=world.ticket_b, body="Hola")
    assert not Message.objects.filter(author_kind=AuthorKind.SYSTEM).exists()


def test_a_closed_ticket_takes_none(world):
    Ticket.objects.filter(pk=world.ticket_b.pk).update(status="closed")
    with pytest.raises(Conflict):
        system_message_send(actor=system_actor("bot"), ticket=world.ticket_b, body="Hola")
    assert not Message.objects.filter(author_kind=AuthorKind.SYSTEM).exists()
