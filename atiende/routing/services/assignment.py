"""Routing on arrival and assignment within a team.

Every write goes through the ticket services as the routing system actor. Assigning locks the
team's TeamRouting row first, so two arrivals at once are served one after the other: the
second sees the first's assignment in the loads and never puts an agent past capacity."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Q

from atiende.accounts.models import Team, User
from atiende.accounts.permissions import STAFF_ROLES
from atiende.accounts.services import system_actor
from atiende.core import clock
from atiende.tickets.facts import facts_of as ticket_facts
from atiende.tickets.models import Message, Ticket
from atiende.tickets.services import ticket_update
from atiende.tickets.status import UNRESOLVED_STATUSES, behaviour

from ..matching import (
    Candidate,
    Facts,
    RuleSpec,
    choose_least_load,
    choose_round_robin,
    first_match,
    fold,
)
from ..models import (
    AgentProfile,
    AgentSkill,
    AssignmentMode,
    Availability,
    RoutingRule,
    TeamRouting,
    TicketRouting,
)
from .availability import is_available

# One scheduler pass assigns at most this many waiting tickets (the rest wait for the next).
WAITING_BATCH = 500


def _rule_specs() -> list[tuple[RuleSpec, RoutingRule]]:
    rules = list(RoutingRule.objects.filter(active=True).prefetch_related("sectors", "plans"))
    return [
        (RuleSpec(
            id=rule.pk, languages=rule.languages, segments=rule.segments, channels=rule.channels,
            keywords=rule.keywords, sector_ids=frozenset(s.pk for s in rule.sectors.all()),
            plan_ids=frozenset(p.pk for p in rule.plans.all()), field_key=rule.field_key, field_value=rule.field_value,
            facts=rule.facts,
        ), rule)
        for rule in rules
    ]


def facts_of(ticket: Ticket, message: Message | None, fact_names: Iterable[str] = ()) -> Facts:
    """`fact_names`: the ticket facts (tickets/facts.py) the rules name; read only then."""
    organization = ticket.organization
    names = sorted(set(fact_names))
    return Facts(
        language=ticket.requester.language,
        segment=organization.segment if organization else "",
        sector_id=organization.sector_id if organization else None,
        plan_id=organization.support_plan_id if organization else None,
        channel=ticket.channel,
        text=fold(f"{ticket.subject}\n{message.body_text if message else ''}"),
        custom_fields=ticket.custom_fields or {},
        facts=ticket_facts(ticket, names) if names else {},
    )


def ticket_route_on_arrival(*, ticket: Ticket, message: Message | None) -> None:
    """A new ticket without a team goes to the first matching rule's team (call inside its
    creation). Setting the team is a ticket change, which assigns within it (hooks)."""
    if ticket.team_id is not None:
        if ticket.assignee_id is None:
            ticket_assign_in_team(ticket=ticket)
        return
    specs = _rule_specs()
    if not specs:
        return
    names = [name for spec, _rule in specs for name, wanted in spec.facts.items() if wanted]
    match = first_match([spec for spec, _rule in specs], facts_of(ticket, message, names))
    if match is None:
        return
    rule = next(rule for spec, rule in specs if spec is match)
    TicketRouting.objects.update_or_create(
        ticket=ticket, defaults={"rule": rule, "skill": rule.skill, "min_level": rule.min_level, "routed_at": clock.now()}
    )
    ticket_update(actor=system_actor("routing"), ticket=ticket, changes={"team": rule.team})


def _locked_settings(team: Team) -> TeamRouting:
    return TeamRouting.objects.select_for_update().get(team=team)


def candidates(team: Team, *, skill_id: int | None, min_level: int, now: datetime) -> list[Candidate]:
    """Members of `team` available now, with the skill at the level asked, and their loads."""
    members = User.objects.filter(teams=team, is_active=True, kind="agent", role__in=STAFF_ROLES)
    if skill_id is not None:
        skilled = AgentSkill.objects.filter(skill_id=skill_id, level__gte=min_level).values("agent_id")
        members = members.filter(pk__in=skilled)
    profiles = AgentProfile.objects.filter(agent__in=members, availability=Availability.ONLINE).select_related("shift")
    available = {p.agent_id: p for p in profiles if is_available(p, now)}
    if not available:
        return []
    loads = dict(
        Ticket.objects.filter(assignee_id__in=available, status__in=UNRESOLVED_STATUSES)
        .values_list("assignee_id").annotate(n=Count("id")).values_list("assignee_id", "n")
    )
    return [Candidate(agent_id=pk, load=loads.get(pk, 0), capacity=p.capacity) for pk, p in available.items()]


def ticket_assign_in_team(*, ticket: Ticket, team: Team | None = None) -> User | None:
    """Give an unassigned ticket to an available member of its team, by the team's mode.

    Returns the agent, or None: the ticket waits unassigned (manual mode, nobody available or
    everybody at capacity) until someone comes online or the scheduler's next pass."""
    team = team or ticket.team
    if team is None:
        return None
    # One indexed read on every ticket that enters a team: a manual team (or one never set) stops here.
    if not TeamRouting.objects.filter(team=team).exclude(mode=AssignmentMode.MANUAL).exists():
        return None
    with transaction.atomic():
        config = _locked_settings(team)
        if config.mode == AssignmentMode.MANUAL:
            return None
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if ticket.assignee_id is not None or ticket.team_id != team.pk or behaviour(ticket.status).is_resolved:
            return None
        need = TicketRouting.objects.filter(ticket=ticket).values("skill_id", "min_level").first() or {}
        found = candidates(team, skill_id=need.get("skill_id"), min_level=need.get("min_level") or 1, now=clock.now())
        if config.mode == AssignmentMode.ROUND_ROBIN:
            chosen = choose_round_robin(found, config.last_agent_id)
        else:
            chosen = choose_least_load(found)
        if chosen is None:
            return None
        agent = User.objects.get(pk=chosen.agent_id)
        ticket_update(actor=system_actor("routing"), ticket=ticket, changes={"assignee": agent})
        config.last_agent = agent
        config.save(update_fields=["last_agent"])
    return agent


def waiting_assign(*, team_ids: Iterable[int] | None = None, limit: int = WAITING_BATCH) -> int:
    """Assign tickets waiting unassigned in automatic teams, oldest first. Safe to run twice:
    each ticket is re-read under its team's lock. Returns how many were assigned."""
    teams = TeamRouting.objects.exclude(mode=AssignmentMode.MANUAL)
    if team_ids is not None:
        teams = teams.filter(team_id__in=list(team_ids))
    waiting = (
        Ticket.objects.filter(Q(team_id__in=teams.values("team_id")), assignee__isnull=True, status__in=UNRESOLVED_STATUSES)
        .select_related("team").order_by("created_at", "id")[:limit]
    )
    assigned, full_teams = 0, set()
    for ticket in waiting:
        if ticket.team_id in full_teams:
            continue
        if ticket_assign_in_team(ticket=ticket) is not None:
            assigned += 1
        elif not TicketRouting.objects.filter(ticket=ticket, skill__isnull=False).exists():
            full_teams.add(ticket.team_id)  # nobody free for a ticket needing no skill: none for the rest
    return assigned
