"""Reads for routing: consultations of a ticket, waiting tickets, report counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Q, QuerySet

from atiende.accounts.models import Team, User, UserKind
from atiende.accounts.permissions import is_staff_agent
from atiende.core.exceptions import Forbidden, NotFound
from atiende.tickets.models import Ticket
from atiende.tickets.status import UNRESOLVED_STATUSES

from .models import AgentProfile, Consultation, RoutingRule, TeamRouting
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
