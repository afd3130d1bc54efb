"""Routing's configuration services: what the workspace pages call."""

from __future__ import annotations

import pytest

from atiende.accounts.models import Team
from atiende.accounts.services import team_create
from atiende.core.exceptions import Forbidden, Invalid
from atiende.routing.models import (
    AgentProfile,
    AssignmentMode,
    Availability,
    RoutingRule,
    Skill,
    TeamRouting,
    Tier,
)
from atiende.routing.services import (
    agent_routing_update,
    availability_set,
    rule_create,
    rule_move,
    skill_create,
    skill_delete,
    team_routing_update,
)
from atiende.tickets.models import Ticket
from atiende.tickets.services import channel_ticket_create


def waiting_ticket(world, team):
    return channel_ticket_create(requester=world.customer_a, subject="Ayuda", body="Hola", channel="email", team=team,
                                 acknowledge=False)[0]


def rule_values(world, **overrides) -> dict:
    values = {"name": "Regla", "active": True, "team": world.team2, "languages": [], "segments": [], "channels": [],
              "keywords": [], "sectors": [], "plans": [], "field_key": "", "field_value": "", "skill": None,
              "min_level": 1}
    values.update(overrides)
    return values


def test_turning_automatic_assignment_on_hands_out_the_tickets_waiting_in_the_team(world):
    availability_set(actor=world.agent2, agent=world.agent2, availability=Availability.ONLINE)
    ticket = waiting_ticket(world, world.team2)
    assert Ticket.objects.get(pk=ticket.pk).assignee_id is None  # manual: it waits
    config = team_routing_update(actor=world.supervisor, team=world.team2, mode=AssignmentMode.ROUND_ROBIN,
                                 tier=Tier.SECOND, escalation_team=None, calendar=None)
    assert (config.mode, config.tier) == (AssignmentMode.ROUND_ROBIN, Tier.SECOND)
    assert Ticket.objects.get(pk=ticket.pk).assignee_id == world.agent2.pk


def test_more_capacity_hands_a_waiting_ticket_to_the_agent(world):
    team_routing_update(actor=world.admin, team=world.team2, mode=AssignmentMode.LEAST_LOAD, tier=Tier.FIRST,
                        escalation_team=None, calendar=None)
    availability_set(actor=world.agent2, agent=world.agent2, availability=Availability.ONLINE)
    agent_routing_update(actor=world.admin, agent=world.agent2, capacity=1, shift=None, levels={})
    assert Ticket.objects.get(pk=world.ticket_b.pk).assignee_id == world.agent2.pk  # already waiting: handed out
    second = waiting_ticket(world, world.team2)
    assert Ticket.objects.get(pk=second.pk).assignee_id is None  # at capacity
    agent_routing_update(actor=world.admin, agent=world.agent2, capacity=2, shift=None, levels={})
    assert Ticket.objects.get(pk=second.pk).assignee_id == world.agent2.pk


def test_a_chain_of_tiers_may_not_loop_and_nothing_changes_when_refused(world):
    team3 = team_create(actor=world.admin, name="Nivel 3")
    for team, target in ((world.team1, world.team2), (world.team2, team3)):
        team_routing_update(actor=world.admin, team=team, mode="manual", tier=1, escalation_team=target, calendar=None)
    with pytest.raises(Invalid) as refused:
        team_routing_update(actor=world.admin, team=team3, mode="round_robin", tier=3, escalation_team=world.team1,
                            calendar=None)
    assert set(refused.value.fields) == {"escalation_team"}
    assert Team.objects.get(pk=team3.pk).escalation_team_id is None
    assert not TeamRouting.objects.filter(team=team3).exists()


def test_rules_are_appended_and_moved_with_ties_given_a_definite_order(world):
    first = rule_create(actor=world.admin, values=rule_values(world, name="Uno"))
    second = rule_create(actor=world.admin, values=rule_values(world, name="Dos", keywords=[" factura ", "factura"]))
    assert (first.position, second.position, second.keywords) == (10, 20, ["factura"])
    RoutingRule.objects.update(position=5)  # ties, as old data may have
    assert rule_move(actor=world.admin, rule=second, offset=-1) == [second.pk, first.pk]
    assert list(RoutingRule.objects.values_list("name", "position")) == [("Dos", 10), ("Uno", 20)]
    assert rule_move(actor=world.admin, rule=second, offset=-1) == [second.pk, first.pk]  # already first
    with pytest.raises(Invalid):
        rule_move(actor=world.admin, rule=second, offset=3)


def test_bad_rules_name_their_field_and_agents_change_nothing(world):
    for overrides, field in (({"languages": ["fr"]}, "languages"), ({"channels": ["fax"]}, "channels"),
                             ({"keywords": ["x" * 81]}, "keywords"), ({"min_level": 0}, "min_level"),
                             ({"team": None}, "team"), ({"name": " "}, "name")):
        with pytest.raises(Invalid) as refused:
            rule_create(actor=world.admin, values=rule_values(world, **overrides))
        assert set(refused.value.fields) == {field}, overrides
    for call in (lambda: rule_create(actor=world.agent1, values=rule_values(world)),
                 lambda: skill_create(actor=world.agent1, kind="language", name="Inglés"),
                 lambda: agent_routing_update(actor=world.agent1, agent=world.agent1, capacity=99, shift=None, levels={}),
                 lambda: team_routing_update(actor=world.agent1, team=world.team1, mode="round_robin", tier=1,
                                             escalation_team=None, calendar=None)):
        with pytest.raises(Forbidden):
            call()
    assert not RoutingRule.objects.exists() and not Skill.objects.exists() and not TeamRouting.objects.exists()
    assert not AgentProfile.objects.filter(capacity=99).exists()


def test_deleting_a_skill_takes_it_from_agents_and_rules(world):
    skill = skill_create(actor=world.admin, kind="product", name="Facturación")
    agent_routing_update(actor=world.admin, agent=world.agent1, capacity=10, shift=None, levels={skill.pk: 4})
    rule = rule_create(actor=world.admin, values=rule_values(world, skill=skill, min_level=3))
    with pytest.raises(Invalid):
        agent_routing_update(actor=world.admin, agent=world.agent1, capacity=10, shift=None, levels={skill.pk: 6})
    skill_delete(actor=world.admin, skill=skill)
    rule.refresh_from_db()
    assert rule.skill_id is None and not world.agent1.routing_skills.exists()
