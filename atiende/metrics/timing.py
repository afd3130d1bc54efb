"""Durations for the event record: calendar time, and business time in the ticket's calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from atiende.sla.calendar import BusinessCalendar, CalendarError
from atiende.sla.models import Metric, Target
from atiende.sla.selectors import arithmetic_for
from atiende.tickets.models import Ticket

# The target whose calendar stands for the ticket's: resolution first, as it spans the ticket's life.
_PREFERENCE = [Metric.RESOLUTION, Metric.FIRST_RESPONSE, Metric.NEXT_RESPONSE]


@dataclass(frozen=True)
class Duration:
    calendar_seconds: int
    business_seconds: int | None


def ticket_calendar(ticket: Ticket) -> BusinessCalendar | None:
    """The business calendar of the ticket's SLA policy, or None without one."""
    if ticket.sla_policy_id is None:
        return None
    targets = {t.metric: t for t in Target.objects.filter(policy_id=ticket.sla_policy_id).select_related("calendar")}
    for metric in _PREFERENCE:
        if metric in targets:
            return arithmetic_for(targets[metric].calendar)
    return None


def duration(start: datetime, end: datetime, calendar: BusinessCalendar | None) -> Duration:
    seconds = max(0, int((end - start).total_seconds()))
    business = None
    if calendar is not None:
        try:
            business = max(0, round(calendar.between(start, end) * 60))
        except CalendarError:
            business = None  # beyond the calendar's range: calendar time still counts
    return Duration(calendar_seconds=seconds, business_seconds=business)
