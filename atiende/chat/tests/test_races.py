"""Accepting races: two agents on one chat, one agent on two chats at the edge of the cap. Rows
are locked (`select_for_update`), so exactly one wins; run on PostgreSQL (SQLite serializes
writers anyway, so there it only shows the outcome)."""

from __future__ import annotations

import pytest
from django.db import connection

from atiende.chat.models import ChatSession, SessionState
from atiende.chat.services import session_accept
from tests.concurrency import race

from .conftest import Visitor

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)




def test_two_agents_accepting_one_chat_one_wins(world, site, online):
    world.team1.members.add(world.supervisor)
    Visitor(site).start()
    session = ChatSession.objects.get()
    outcomes = race(lambda: session_accept(actor=world.agent1, session_id=session.pk),
                    lambda: session_accept(actor=world.supervisor, session_id=session.pk))
    assert outcomes.count("ok") == 1
    if connection.vendor == "postgresql":
        assert sorted(outcomes) == ["chat_taken", "ok"]
    session.refresh_from_db()
    assert session.state == SessionState.ACTIVE and session.agent in (world.agent1, world.supervisor)


def test_one_agent_accepting_two_chats_at_the_cap_gets_one(world, site, online):
    site.max_chats_per_agent = 1
    site.save()
    for n in range(2):
        Visitor(site).start(question=f"Pregunta {n}")
    first, second = ChatSession.objects.order_by("pk")
    outcomes = race(lambda: session_accept(actor=world.agent1, session_id=first.pk),
                    lambda: session_accept(actor=world.agent1, session_id=second.pk))
    assert outcomes.count("ok") == 1
    if connection.vendor == "postgresql":
        assert sorted(outcomes) == ["chat_cap_reached", "ok"]
    assert ChatSession.objects.filter(agent=world.agent1, state=SessionState.ACTIVE).count() == 1
