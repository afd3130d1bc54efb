"""Reads for routing: consultations of a ticket, waiting tickets, report counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Q, QuerySet

from atiende.accounts.models import Team, User, UserKind
from atiende.accounts.permissions import STAFF_ROLES, is_staff_agent
from atiende.core.exceptions import Forbidden, NotFound
from atiende.tickets.models import Ticket
from atiende.tickets.status import UNRESOLVED_STATUSES

from .models import AgentProfile, AgentSkill, Consultation, RoutingRule, Skill, TeamRouting
from .permissions import can_manage_routing, can_view_consultation


def consultation_list_for_ticket(*, user: User, ticket: Ticket) -> QuerySet[Consultation]:
    """The ticket's consultations (call with a ticket the user may see; staff only)."""
    if not is_staff_agent(user):
        raise NotFound()
    return Consultation.objects.filter(ticket=ticket).select_related("asked_by", "asked_agent", "asked_team", "answered_by")


def consultation_targets(*, user: User) -> tuple[QuerySet[Team], QuerySet[User]]:
    """Whom `user` may ask: every team, and every other active agent (by name)."""
    return (Team.objects.order_by("name"),
            User.objects.filter(kind=UserKind.AGENT, is_active=True).exclude(pk=user.pk).order_by("name"))


def consultation_get(*, user: User, consultation_id: int) -> Consultation:
    consultation = Consultation.objects.select_related("ticket", "asked_by", "asked_agent", "asked_team").filter(
        pk=consultation_id).first()
    if consultation is None or not can_view_consultation(user, consultation):
        raise NotFound()
    return consultation


def consultations_asked_of(*, user: User) -> QuerySet[Consultation]:
    """Open consultations waiting for the user (asked of them, or of one of their teams)."""
    return (
        Consultation.objects.filter(answered_at__isnull=True)
        .filter(Q(asked_agent=user) | Q(asked_agent__isnull=True, asked_team__in=user.teams.all()))
        .select_related("ticket", "asked_by", "asked_team").order_by("due_at", "id")
    )


@dataclass(frozen=True)
class ConsultationCounts:
    opened: int
    answered: int
    answered_in_time: int


def consultation_counts(*, user: User, start: datetime, end: datetime) -> ConsultationCounts:
    """Consultations opened in [start, end), how many were answered, and how many by their deadline."""
    if not can_manage_routing(user):
        raise Forbidden()
    counts = Consultation.objects.filter(created_at__gte=start, created_at__lt=end).aggregate(
        opened=Count("id"),
        answered=Count("id", filter=Q(answered_at__isnull=False)),
        in_time=Count("id", filter=Q(answered_at__isnull=False, answered_at__lte=F("due_at"))),
    )
    return ConsultationCounts(opened=counts["opened"], answered=counts["answered"], answered_in_time=counts["in_time"])


def rule_list(*, user: User) -> QuerySet[RoutingRule]:
    if not can_manage_routing(user):
        raise Forbidden()
    return RoutingRule.objects.select_related("team", "skill").prefetch_related("sectors", "plans")


def rule_get(*, user: User, rule_id: int) -> RoutingRule:
    rule = rule_list(user=user).filter(pk=rule_id).first()
    if rule is None:
        raise NotFound()
    return rule


def waiting_counts() -> dict[int, int]:
    """Unassigned unresolved tickets per team (the admin page shows who waits)."""
    return dict(
        Ticket.objects.filter(assignee__isnull=True, status__in=UNRESOLVED_STATUSES, team__isnull=False)
        .values_list("team_id").annotate(n=Count("id")).values_list("team_id", "n")
    )


def team_settings() -> dict[int, TeamRouting]:
    return {row.team_id: row for row in TeamRouting.objects.select_related("calendar")}


def profiles_by_agent() -> dict[int, AgentProfile]:
    return {row.agent_id: row for row in AgentProfile.objects.select_related("shift")}


# --- the configuration pages ------------------------------------------------------------------------

def _managers_only(user: User) -> None:
    if not can_manage_routing(user):
        raise Forbidden()


@dataclass(frozen=True)
class TeamRow:
    team: Team
    config: TeamRouting | None  # None: never set (manual, tier 1)
    waiting: int  # unassigned unresolved tickets


def team_routing_rows(*, user: User) -> list[TeamRow]:
    _managers_only(user)
    configs, waiting = team_settings(), waiting_counts()
    return [TeamRow(team=team, config=configs.get(team.pk), waiting=waiting.get(team.pk, 0))
            for team in Team.objects.select_related("escalation_team").order_by("name")]


def routed_team_get(*, user: User, team_id: int) -> tuple[Team, TeamRouting | None]:
    _managers_only(user)
    team = Team.objects.select_related("escalation_team").filter(pk=team_id).first()
    if team is None:
        raise NotFound()
    return team, TeamRouting.objects.filter(team=team).first()


def _routed_agents() -> QuerySet[User]:
    return User.objects.filter(kind=UserKind.AGENT, is_active=True, role__in=STAFF_ROLES)


@dataclass(frozen=True)
class AgentRow:
    agent: User
    profile: AgentProfile | None  # None: never set (off shift, capacity 10)
    skills: list[AgentSkill]
    load: int  # open tickets assigned to them


def agent_routing_rows(*, user: User) -> list[AgentRow]:
    _managers_only(user)
    agents = list(_routed_agents().order_by("name", "id"))
    profiles = profiles_by_agent()
    skills: dict[int, list[AgentSkill]] = {}
    for row in AgentSkill.objects.filter(agent__in=agents).select_related("skill").order_by("skill__kind", "skill__name"):
        skills.setdefault(row.agent_id, []).append(row)
    loads = dict(Ticket.objects.filter(assignee__in=agents, status__in=UNRESOLVED_STATUSES)
                 .values_list("assignee_id").annotate(n=Count("id")).values_list("assignee_id", "n"))
    return [AgentRow(agent=a, profile=profiles.get(a.pk), skills=skills.get(a.pk, []), load=loads.get(a.pk, 0))
            for a in agents]


def routed_agent_get(*, user: User, agent_id: int) -> tuple[User, AgentProfile | None, dict[int, int]]:
    """An agent routing may give tickets to, their profile and {skill id: level}."""
    _managers_only(user)
    agent = _routed_agents().filter(pk=agent_id).first()
    if agent is None:
        raise NotFound()
    levels = dict(AgentSkill.objects.filter(agent=agent).values_list("skill_id", "level"))
    return agent, AgentProfile.objects.select_related("shift").filter(agent=agent).first(), levels


def skill_list(*, user: User) -> QuerySet[Skill]:
    _managers_only(user)
    return Skill.objects.annotate(agent_count=Count("agents")).order_by("kind", "name")


def skill_get(*, user: User, skill_id: int) -> Skill:
    skill = skill_list(user=user).filter(pk=skill_id).first()
    if skill is None:
        raise NotFound()
    return skill
