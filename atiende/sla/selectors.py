"""Reads for service levels."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from atiende.accounts.models import User
from atiende.core.exceptions import Forbidden, NotFound
from atiende.customers.models import Customer
from atiende.tickets.facts import facts_of
from atiende.tickets.models import Priority, Ticket, TicketType
from atiende.tickets.service_levels import BadgeView

from . import wording
from .calendar import BusinessCalendar, mexican_holidays, parse_weekly_hours
from .models import Calendar, Clock, ClockState, Metric, Policy, Result, Target
from .permissions import can_view_attainment, can_view_calendars, can_view_policies

ALWAYS_OPEN_NAME = "24/7"  # the built-in calendar seeded at install (sla 0002)


def calendar_list(*, user: User) -> QuerySet[Calendar]:
    if not can_view_calendars(user):
        return Calendar.objects.none()
    return Calendar.objects.order_by("name", "id")


def calendar_get(*, user: User, calendar_id: int) -> Calendar:
    calendar = calendar_list(user=user).filter(pk=calendar_id).first()
    if calendar is None:
        raise NotFound()
    return calendar


# A BusinessCalendar expands its spans once and then answers in microseconds: keep the current
# version of each calendar in the process (a saved change replaces it). Each holds at most
# MAX_EXPANDED_YEARS of spans, and there are at most MAX_KEPT_CALENDARS of them.
MAX_KEPT_CALENDARS = 64
_arithmetic: dict[int, tuple[datetime, BusinessCalendar]] = {}


def arithmetic_for(calendar: Calendar) -> BusinessCalendar:
    """The pure calendar for a stored one (its rules were validated when saved)."""
    kept = _arithmetic.get(calendar.pk)
    if kept is not None and kept[0] == calendar.updated_at:
        return kept[1]
    if kept is None and len(_arithmetic) >= MAX_KEPT_CALENDARS:
        _arithmetic.pop(next(iter(_arithmetic)))  # the one kept longest
    found = BusinessCalendar(
        time_zone=calendar.time_zone,
        hours=parse_weekly_hours(calendar.hours),
        closed_dates={date.fromisoformat(day) for day in calendar.closures},
        holidays=mexican_holidays if calendar.holidays == "MX" else None,
    )
    _arithmetic[calendar.pk] = (calendar.updated_at, found)
    return found


def clock_minutes_used(clock: Clock, now: datetime) -> float:
    """Business minutes a clock has used by `now`, counting its running stretch."""
    used = clock.elapsed_minutes
    if clock.state == ClockState.RUNNING and clock.running_since is not None:
        used += max(arithmetic_for(clock.calendar).between(clock.running_since, now), 0.0)
    return used


def policy_matches(policy: Policy, ticket: Ticket, facts: Mapping[str, Any] | None = None) -> bool:
    """Every condition the policy sets holds for the ticket (empty conditions match anything).
    `facts`: the ticket facts the policy names (tickets/facts.py), when it names any."""
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
        *((set(allowed), (facts or {}).get(name)) for name, allowed in policy.facts.items()),
    ]
    return all(not allowed or value in allowed for allowed, value in checks)


def policy_for(ticket: Ticket) -> Policy | None:
    """The first active policy, by position, whose conditions the ticket meets."""
    policies = Policy.objects.filter(active=True).order_by("position", "id").prefetch_related(
        "support_plans", "organizations", Prefetch("targets", queryset=Target.objects.select_related("calendar"))
    )
    needed = {name for policy in policies for name, allowed in policy.facts.items() if allowed}
    facts = facts_of(ticket, sorted(needed)) if needed else {}  # only when a policy asks: a query or more
    return next((policy for policy in policies if policy_matches(policy, ticket, facts)), None)


# --- what agents see: badge, policies, attainment ------------------------------------------------

class Badge:
    NONE = "none"
    OK = "ok"
    WARNING = "warning"
    BREACHED = "breached"
    PAUSED = "paused"


def badge_state(ticket: Ticket, now: datetime) -> str:
    """The colour of a ticket's SLA badge, from the summary kept on the ticket (no query)."""
    if ticket.sla_due_at is None:
        return Badge.PAUSED if ticket.sla_paused else Badge.NONE
    if ticket.sla_due_at <= now:
        return Badge.BREACHED
    if ticket.sla_warn_at is not None and ticket.sla_warn_at <= now:
        return Badge.WARNING
    return Badge.OK


def badge_view(ticket: Ticket, now: datetime) -> BadgeView:
    """The badge with its words: time left, time overdue, or paused."""
    state = badge_state(ticket, now)
    if state == Badge.NONE:
        return BadgeView(state, "")
    if state == Badge.PAUSED:
        return BadgeView(state, _("SLA paused"))
    left = (ticket.sla_due_at - now).total_seconds() / 60
    if state == Badge.BREACHED:
        return BadgeView(state, _("%(time)s overdue") % {"time": wording.duration(left)})
    return BadgeView(state, _("%(time)s left") % {"time": wording.duration(left)})


def policy_list(*, user: User) -> QuerySet[Policy]:
    if not can_view_policies(user):
        return Policy.objects.none()
    return Policy.objects.order_by("position", "id").prefetch_related(
        "support_plans", "organizations", Prefetch("targets", queryset=Target.objects.select_related("calendar"))
    )


def policy_get(*, user: User, policy_id: int) -> Policy:
    policy = policy_list(user=user).filter(pk=policy_id).first()
    if policy is None:
        raise NotFound()
    return policy


def policy_preview(policy: Policy, arrival: datetime) -> dict[str, datetime]:
    """When each target would be due for a ticket arriving at `arrival` (no pauses)."""
    return {
        target.metric: arithmetic_for(target.calendar).add(arrival, target.minutes)
        for target in policy.targets.all()
    }


def ticket_clocks(*, ticket: Ticket) -> QuerySet[Clock]:
    """A ticket's clocks, oldest first (callers have already checked the ticket may be seen)."""
    return Clock.objects.filter(ticket=ticket).select_related("calendar", "policy").order_by("started_at", "id")


@dataclass(frozen=True)
class AttainmentRow:
    key: int | None
    name: str
    metric: str
    met: int
    breached: int

    @property
    def percent(self) -> float | None:
        total = self.met + self.breached
        return round(100 * self.met / total, 1) if total else None


ATTAINMENT_GROUPS = {
    "policy": ("policy_id", "policy__name"),
    "team": ("ticket__team_id", "ticket__team__name"),
    "agent": ("ticket__assignee_id", "ticket__assignee__name"),
}


def attainment(*, user: User, group_by: str, since: datetime, until: datetime) -> list[AttainmentRow]:
    """Targets met and missed among clocks that stopped in [since, until), per group and metric.

    Teams and agents are the ticket's current ones; clocks that no longer applied are left out."""
    if not can_view_attainment(user):
        raise Forbidden()
    key, name = ATTAINMENT_GROUPS[group_by]
    rows = (
        Clock.objects.filter(state=ClockState.STOPPED, stopped_at__gte=since, stopped_at__lt=until,
                             result__in=[Result.MET, Result.BREACHED])
        .values(key, name, "metric")
        .annotate(met=Count("id", filter=Q(result=Result.MET)), breached=Count("id", filter=Q(result=Result.BREACHED)))
        .order_by(name, "metric")
    )
    return [AttainmentRow(row[key], row[name] or "", row["metric"], row["met"], row["breached"]) for row in rows]


# --- what customers are told ---------------------------------------------------------------------

@dataclass(frozen=True)
class CustomerPromise:
    expected_by: datetime
    opens_at: datetime | None  # when a person will read the message, if we are closed now
    text: str
    time_zone: str = ""  # the zone the text says times in (macros' {{ ticket.promise }} says it too)


def customer_promise(*, ticket: Ticket, now: datetime, time_zone: str | None = None) -> CustomerPromise | None:
    """When the customer can expect our answer, in the active language and their time zone.

    None when no response target is running (answered, waiting on them, or no policy)."""
    waiting = (
        Clock.objects.filter(ticket=ticket, state=ClockState.RUNNING, metric__in=[Metric.FIRST_RESPONSE, Metric.NEXT_RESPONSE])
        .select_related("calendar").order_by("due_at").first()
    )
    if waiting is None:
        return None
    zone = time_zone or ticket.requester.time_zone or waiting.calendar.time_zone
    if waiting.due_at <= now:  # never promise a time already gone: say we are late
        text = _("We are taking longer than we promised. A person from our team is on it and will answer you "
                 "here.")
        return CustomerPromise(expected_by=waiting.due_at, opens_at=None, text=text)
    opening = arithmetic_for(waiting.calendar).next_opening(now)
    due = waiting.due_at
    if opening > now:
        text = _(
            "We received your message outside our business hours: a person will read it from %(opening)s, "
            "and we will answer before %(due)s, %(zone)s."
        ) % {"opening": wording.moment(opening, zone), "due": wording.moment(due, zone), "zone": wording.zone_name(zone)}
        return CustomerPromise(expected_by=due, opens_at=opening, text=text, time_zone=zone)
    text = _("We will answer before %(due)s, %(zone)s.") % {"due": wording.moment(due, zone), "zone": wording.zone_name(zone)}
    return CustomerPromise(expected_by=due, opens_at=None, text=text, time_zone=zone)


# --- business hours for an appointment with a customer --------------------------------------------

def customer_hours(*, customer: Customer, channel: str) -> tuple[BusinessCalendar, str]:
    """The business calendar a new request of `customer` on `channel` would be timed on (the
    matching policy's response target, else its resolution target), with its time zone. Without
    a policy: the first calendar that is not the built-in 24/7 (the office hours seeded at
    install), so a call back is never booked at three in the morning."""
    probe = Ticket(requester=customer, organization=customer.organization, channel=channel,
                   priority=Priority.NORMAL, type=TicketType.QUESTION)
    policy = policy_for(probe)
    targets = {target.metric: target for target in policy.targets.all()} if policy is not None else {}
    chosen = next((targets[metric].calendar for metric in (Metric.FIRST_RESPONSE, Metric.NEXT_RESPONSE, Metric.RESOLUTION)
                   if metric in targets), None)
    if chosen is None:
        chosen = Calendar.objects.exclude(name=ALWAYS_OPEN_NAME).order_by("pk").first()
    if chosen is None:
        return BusinessCalendar.always_open(), "UTC"
    return arithmetic_for(chosen), chosen.time_zone
