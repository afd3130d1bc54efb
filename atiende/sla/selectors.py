"""Reads for service levels."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from atiende.accounts.models import User
from atiende.core.exceptions import NotFound

from .calendar import BusinessCalendar, mexican_holidays, parse_weekly_hours
from .models import Calendar
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


def arithmetic_for(calendar: Calendar) -> BusinessCalendar:
    """The pure calendar for a stored one (its rules were validated when saved)."""
    return BusinessCalendar(
        time_zone=calendar.time_zone,
        hours=parse_weekly_hours(calendar.hours),
        closed_dates={date.fromisoformat(day) for day in calendar.closures},
        holidays=mexican_holidays if calendar.holidays == "MX" else None,
    )
