"""When a maintenance plan's visits fall: plain date arithmetic (no ORM, no clock), tested
without a database. Occurrences are calendar days, not instants, so daylight saving time never
moves or doubles one (decision 0034).

- every N days / weeks: the start day plus k·N days (k·7·N).
- every N months: the start day k·N months later, counted from the start each time (no drift);
  a day the month lacks (the 31st, 29 February) is that month's last day, so a plan started on
  31 January visits on 28/29 February and again on 31 March: never two in one month, never one
  skipped.
- an RRULE (RFC 5545, parsed by python-dateutil) with the start day as DTSTART; rules finer than
  a day (HOURLY, MINUTELY, SECONDLY) are refused, a rule may end (COUNT, UNTIL).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil import rrule as du

MAX_RULE_LENGTH = 500
MAX_INTERVAL = 1000


class Unit:
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    RRULE = "rrule"


class BadRule(ValueError):
    """An RRULE we cannot use; `args[0]` is a short English reason (the services translate)."""


@dataclass(frozen=True)
class Recurrence:
    unit: str
    interval: int
    starts_on: date
    rule: str = ""


def add_months(start: date, months: int) -> date:
    """`start` moved `months` months on; a day the month lacks is its last day."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def parse_rule(text: str, starts_on: date) -> du.rrule:
    """The rule of an RRULE string ("FREQ=MONTHLY;BYMONTHDAY=-1", with or without "RRULE:")."""
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    if not body or len(body) > MAX_RULE_LENGTH or "\n" in body or ":" in body:
        raise BadRule("Write one RRULE, such as FREQ=MONTHLY;INTERVAL=3.")
    try:
        rule = du.rrulestr(body, dtstart=datetime.combine(starts_on, time()))
    except (ValueError, TypeError, KeyError, IndexError, OverflowError):
        raise BadRule("This RRULE cannot be read.") from None
    if not isinstance(rule, du.rrule):
        raise BadRule("Write one RRULE, such as FREQ=MONTHLY;INTERVAL=3.")
    if rule._freq > du.DAILY:  # HOURLY, MINUTELY, SECONDLY: visits are days
        raise BadRule("A maintenance rule repeats daily at most.")
    return rule


def occurrences(rec: Recurrence, *, on_or_after: date) -> Iterator[date]:
    """The plan's visit days from `on_or_after` on, in order (endless unless the rule ends)."""
    start = max(on_or_after, rec.starts_on)
    if rec.unit == Unit.RRULE:
        rule = parse_rule(rec.rule, rec.starts_on)
        last: date | None = None
        for moment in rule.xafter(datetime.combine(start, time()), inc=True):
            if moment.date() != last:  # a rule listing one day twice (BYHOUR) still visits once
                last = moment.date()
                yield last
        return
    if rec.unit == Unit.MONTH:
        months = (start.year - rec.starts_on.year) * 12 + start.month - rec.starts_on.month
        k = max(0, months // rec.interval - 1)
        while True:
            day = add_months(rec.starts_on, k * rec.interval)
            if day >= start:
                yield day
            k += 1
    step = rec.interval * (7 if rec.unit == Unit.WEEK else 1)
    k = -(-(start - rec.starts_on).days // step)  # the first k with start + k·step >= start
    while True:
        yield rec.starts_on + timedelta(days=k * step)
        k += 1


def next_on_or_after(rec: Recurrence, day: date) -> date | None:
    return next(occurrences(rec, on_or_after=day), None)


def between(rec: Recurrence, first: date, last: date, *, limit: int = 1000) -> list[date]:
    """The visit days from `first` through `last`, at most `limit` of them (the latest kept)."""
    found: list[date] = []
    for day in occurrences(rec, on_or_after=first):
        if day > last:
            break
        found.append(day)
        if len(found) > limit:
            found.pop(0)
    return found
