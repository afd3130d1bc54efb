"""Reads for service levels."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Prefetch, QuerySet

from atiende.accounts.models import User
from atiende.core.exceptions import NotFound
from atiende.tickets.models import Ticket

from .calendar import BusinessCalendar, mexican_holidays, parse_weekly_hours
from .models import Calendar, Policy, Target
from .permissions import can_view_calendars


def calendar_list(*, user: User) -> QuerySet[Calendar]:
    if not can_view_calendars(user):
        return Calendar.objects.none()
    return Calendar.objects.order_by("name", "id")


def calendar_get(*, user: User, calendar_id: int) -> Calendar:
    calendar = calendar_list(user=user).filter(pk=calendar_id).first()
    if calendar is None:
        raise NotFound()
    return calendar


# A BusinessCalendar expands its spans once and then answers in microseconds: keep one per
# stored version of each calendar in the process.
_arithmetic: dict[tuple[int, datetime], BusinessCalendar] = {}


def arithmetic_for(calendar: Calendar) -> BusinessCalendar:
    """The pure calendar for a stored one (its rules were validated when saved)."""
    key = (calendar.pk, calendar.updated_at)
    found = _arithmetic.get(key)
    if found is None:
        if len(_arithmetic) > 256:
            _arithmetic.clear()
        found = _arithmetic[key] = BusinessCalendar(
            time_zone=calendar.time_zone,
            hours=parse_weekly_hours(calendar.hours),
            closed_dates={date.fromisoformat(day) for day in calendar.closures},
            holidays=mexican_holidays if calendar.holidays == "MX" else None,
        )
    return found


def policy_matches(policy: Policy, ticket: Ticket) -> bool:
    """Every condition the policy sets holds for the ticket (empty conditions match anything)."""
    organization = ticket.organization
    plan_ids = {plan.pk for plan in policy.support_plans.all()}
    organization_ids = {org.pk for org in policy.organizations.all()}
    checks = [
        (plan_ids, organization.support_plan_id if organization else None),
        (set(policy.segments), organization.segment if organization else None),
        (set(policy.priorities), ticket.priority),
        (set(policy.types), ticket.type),
        (set(policy.channels), ticket.channel),
        (organization_ids, ticket.organization_id),
    ]
    return all(not allowed or value in allowed for allowed, value in checks)


def policy_for(ticket: Ticket) -> Policy | None:
    """The first active policy, by position, whose conditions the ticket meets."""
    policies = Policy.objects.filter(active=True).order_by("position", "id").prefetch_related(
        "support_plans", "organizations", Prefetch("targets", queryset=Target.objects.select_related("calendar"))
    )
    return next((policy for policy in policies if policy_matches(policy, ticket)), None)
