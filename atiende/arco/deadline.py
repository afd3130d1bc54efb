"""The LFPDPPP's 20-business-day answer term (art. 32), on the business-calendar arithmetic.

Business days for the law are Monday to Friday minus the official holidays, whatever the
helpdesk's own opening hours: a calendar open all day on weekdays, closed on Mexican holidays
(`sla.calendar.mexican_holidays`). The term counts from the day after the request is received,
and ends at the end of the 20th business day, in the site's time zone."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from functools import cache

from django.conf import settings

from atiende.sla.calendar import MINUTES_PER_DAY, BusinessCalendar, Interval, mexican_holidays

BUSINESS_DAYS = 20


@cache
def legal_calendar(time_zone: str) -> BusinessCalendar:
    return BusinessCalendar(time_zone=time_zone, hours={day: (Interval(0, MINUTES_PER_DAY),) for day in range(5)},
                            holidays=mexican_holidays)


def legal_deadline(received_at: datetime, *, business_days: int = BUSINESS_DAYS) -> datetime:
    """The end of the `business_days`-th business day after the one `received_at` falls on."""
    calendar = legal_calendar(settings.TIME_ZONE)
    local = received_at.astimezone(calendar.zone)
    next_day = datetime.combine(local.date() + timedelta(days=1), time(), tzinfo=calendar.zone)
    return calendar.add(next_day, business_days * MINUTES_PER_DAY)
