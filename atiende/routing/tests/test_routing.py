"""Routing on arrival, assignment within a team, availability and capacity, on real services."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from atiende.accounts.models import Role
from atiende.accounts.services import agent_create
from atiende.core import clock
from atiende.customers.services import customer_create
from atiende.routing.matching import (
    Candidate,
    Facts,
    RuleSpec,
    choose_least_load,
    choose_round_robin,
    rule_matches,
)
from atiende.routing.models import (
    AgentProfile,
    AssignmentMode,
    Availability,
    RoutingRule,
    TeamRouting,
)
from atiende.routing.services import availability_set, waiting_assign
from atiende.sla.models import Calendar
from atiende.tickets.models import Ticket
from atiende.tickets.services import channel_ticket_create


def arrive(customer, subject="Ayuda", body="Hola", team=None):
    return channel_ticket_create(requester=customer, subject=subject, body=body, channel="email", team=team,
                                 acknowledge=False)[0]


def agents(team, n, *, prefix="a", capacity=10_000):
    made = []
    for i in range(n):
        agent = agent_create(email=f"{prefix}{i}@example.mx", name=f"Agente {prefix}{i}", role=Role.AGENT,
                             password="x" * 12, teams=[team])
        AgentProfile.objects.create(agent=agent, availability=Availability.ONLINE, capacity=capacity)
        made.append(agent)
    return made


def test_rules_fold_accents_and_case_and_every_condition_must_hold():
    rule = RuleSpec(id=1, languages=["en"], keywords=["facturación"], channels=["email"])
    assert rule_matches(rule, Facts(language="en-US", channel="email", text="la facturacion fallo"))
    assert not rule_matches(rule, Facts(language="es", channel="email", text="la facturacion fallo"))
    assert not rule_matches(rule, Facts(language="en", channel="chat", text="la facturacion fallo"))
    assert rule_matches(RuleSpec(id=2), Facts())


def test_choosers_skip_agents_at_capacity():
    team = [Candidate(1, 2, 2), Candidate(2, 0, 2), Candidate(3, 1, 2)]
    assert choose_round_robin(team, 2).agent_id == 3
    assert choose_round_robin(team, 3).agent_id == 2  # wraps, skipping 1 (full)
    assert choose_least_load(team).agent_id == 2
    assert choose_round_robin([Candidate(1, 2, 2)], None) is None


def test_a_rule_sends_an_english_ticket_to_its_team_and_round_robin_assigns_it(world):
    TeamRouting.objects.update_or_create(team=world.team2, defaults={"mode": AssignmentMode.ROUND_ROBIN})
    specialists = agents(world.team2, 2)
    RoutingRule.objects.create(name="Inglés", languages=["en"], team=world.team2, position=1)
    english = customer_create(name="John", identities={"email": "john@example.com"})
    english.language = "en"
    english.save()
    first, second, third = (arrive(english) for _ in range(3))
    assignees = [Ticket.objects.get(pk=t.pk).assignee_id for t in (first, second, third)]
    assert assignees == [specialists[0].pk, specialists[1].pk, specialists[0].pk]
    assert Ticket.objects.get(pk=first.pk).team_id == world.team2.pk
    assert first.events.filter(field="assignee", actor__email="routing@system.atiende.invalid").count() == 1
    # A Spanish speaker matches no rule: no team, nobody.
    spanish = arrive(world.customer_a)
    assert (spanish.team_id, Ticket.objects.get(pk=spanish.pk).assignee_id) == (None, None)


def test_round_robin_is_fair_over_1000_arrivals_with_agents_going_away(world):
    TeamRouting.objects.update_or_create(team=world.team2, defaults={"mode": AssignmentMode.ROUND_ROBIN})
    team = agents(world.team2, 5)
    away = team[3]
    counts = Counter()
    for n in range(1000):
        if n == 500:
            availability_set(actor=away, agent=away, availability=Availability.AWAY)
        ticket = arrive(world.customer_b, team=world.team2)
        counts[Ticket.objects.get(pk=ticket.pk).assignee_id] += 1
    # First half: 5 agents share 500 (100 each); second half: 4 share 500 (125 each).
    for agent in team:
        expected = 100 if agent is away else 225
        assert abs(counts[agent.pk] - expected) <= expected * 0.05, (agent.name, counts[agent.pk])
    assert sum(counts.values()) == 1000 and None not in counts


def test_nobody_available_the_ticket_waits_unassigned_until_someone_comes_online(world):
    TeamRouting.objects.update_or_create(team=world.team2, defaults={"mode": AssignmentMode.LEAST_LOAD})
    (agent,) = agents(world.team2, 1)
    availability_set(actor=agent, agent=agent, availability=Availability.AWAY)
    ticket = arrive(world.customer_b, team=world.team2)
    assert Ticket.objects.get(pk=ticket.pk).assignee_id is None
    availability_set(actor=agent, agent=agent, availability=Availability.ONLINE)
    assert Ticket.objects.get(pk=ticket.pk).assignee_id == agent.pk


def test_capacity_least_load_and_shift_calendar(world):
    TeamRouting.objects.update_or_create(team=world.team2, defaults={"mode": AssignmentMode.LEAST_LOAD})
    small, big = agents(world.team2, 2, capacity=1)
    AgentProfile.objects.filter(agent=big).update(capacity=3)
    tickets = [arrive(world.customer_b, team=world.team2) for _ in range(5)]
    assigned = Counter(Ticket.objects.get(pk=t.pk).assignee_id for t in tickets)
    assert assigned == {small.pk: 1, big.pk: 3, None: 1}
    # Office hours Monday to Friday: on a Sunday the agent is off shift even though "online".
    office = Calendar.objects.create(name="Oficina", hours={d: [["09:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")})
    AgentProfile.objects.filter(agent=big).update(capacity=10, shift=office)
    with clock.frozen_at(datetime(2026, 12, 6, 18, 0, tzinfo=UTC)):  # Sunday noon in Mexico City
        assert waiting_assign() == 0
    with clock.frozen_at(datetime(2026, 12, 7, 18, 0, tzinfo=UTC)):  # Monday noon
        assert waiting_assign() == 2  # ours and the world's ticket B, which waited in the team too
    assert Ticket.objects.filter(team=world.team2, assignee__isnull=True, status__in=["new", "open"]).count() == 0


def test_a_manual_team_never_assigns(world):
    agents(world.team2, 1)
    ticket = arrive(world.customer_b, team=world.team2)
    assert Ticket.objects.get(pk=ticket.pk).assignee_id is None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_arrivals_at_once_never_both_go_to_an_agent_at_capacity():
    import threading

    from django.db import connection

    from atiende.accounts.models import Team

    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL pass: SQLite lets one writer in at a time, so there is no race")
    team = Team.objects.create(name="Carrera")
    TeamRouting.objects.update_or_create(team=team, defaults={"mode": AssignmentMode.LEAST_LOAD})
    (agent,) = agents(team, 1, prefix="race", capacity=1)
    customers = [customer_create(name=f"C{i}", identities={"email": f"c{i}@example.mx"}) for i in range(2)]
    start, errors, made = threading.Barrier(2), [], []

    def run(customer):
        try:
            start.wait(10)
            made.append(arrive(customer, team=team).pk)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(c,)) for c in customers]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert sorted(Ticket.objects.filter(pk__in=made).values_list("assignee_id", flat=True), key=str) == sorted(
        [agent.pk, None], key=str)
