"""One inbox event, many agents' sockets: the batched permission check gives each agent exactly
what the one-by-one check gives, in a fixed number of queries."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from django.db import connection
from django.test.utils import CaptureQueriesContext

from atiende.accounts.models import Role
from atiende.accounts.services import agent_create
from atiende.live import batches
from atiende.live.selectors import visible_ticket_ids, visible_ticket_ids_by_user
from atiende.tickets.services import ticket_create

pytestmark = pytest.mark.django_db


def _users(world) -> list:
    return [world.admin, world.supervisor, world.agent1, world.agent2, world.collaborator, world.customer_a.user]


def test_each_user_gets_what_the_one_by_one_check_gives(world):
    triage = ticket_create(actor=world.customer_b.user, subject="Sin equipo", body="Aún en la cola común")
    wanted = [world.ticket_b.pk, triage.pk, world.ticket_a.pk, 987654]
    world.agent1.is_active = False
    world.agent1.save(update_fields=["is_active"])

    batched = visible_ticket_ids_by_user(user_ids=[user.pk for user in _users(world)] + [424242], ticket_ids=wanted)

    for user in _users(world):
        assert batched[user.pk] == visible_ticket_ids(user_id=user.pk, ticket_ids=wanted), user.email
    assert batched[world.agent2.pk] == [world.ticket_b.pk, triage.pk]  # team 2's and the shared queue, in order
    assert batched[world.collaborator.pk] == [world.ticket_a.pk]  # referred to them only
    assert batched[world.agent1.pk] is None  # deactivated: the socket closes
    assert batched[world.customer_a.user.pk] is None  # never an agent
    assert batched[424242] is None


def test_the_queries_do_not_grow_with_the_number_of_agents(world):
    few = [world.agent2.pk, world.collaborator.pk]
    more = [agent_create(email=f"extra{n}@example.mx", name=f"Extra {n}", role=Role.AGENT, teams=[world.team1]).pk
            for n in range(12)]
    with CaptureQueriesContext(connection) as two:
        visible_ticket_ids_by_user(user_ids=few, ticket_ids=[world.ticket_a.pk])
    with CaptureQueriesContext(connection) as fourteen:
        answer = visible_ticket_ids_by_user(user_ids=few + more, ticket_ids=[world.ticket_a.pk])
    assert len(fourteen) == len(two) == 3
    assert all(answer[pk] == [world.ticket_a.pk] for pk in more)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sockets_that_hear_one_event_share_one_check(world, monkeypatch):
    asked: list[set[int]] = []

    def counting(*, user_ids, ticket_ids):
        asked.append(set(user_ids))
        return visible_ticket_ids_by_user(user_ids=user_ids, ticket_ids=ticket_ids)

    monkeypatch.setattr(batches.selectors, "visible_ticket_ids_by_user", counting)
    checks = batches.InboxChecks()
    event = {"type": "ticket.changed", "ticket_ids": [world.ticket_b.pk], "event_id": "e1"}
    agents = (world.agent1, world.agent2, world.supervisor)

    async def three_sockets():
        import asyncio

        return await asyncio.gather(*(checks.visible(event=event, user_id=agent.pk) for agent in agents))

    assert async_to_sync(three_sockets)() == [[], [world.ticket_b.pk], [world.ticket_b.pk]]
    assert asked == [{agent.pk for agent in agents}]
    # a socket that hears the same event after its batch was answered is checked on its own
    assert async_to_sync(checks.visible)(event=event, user_id=world.agent2.pk) == [world.ticket_b.pk]
    assert asked[1:] == [{world.agent2.pk}]
