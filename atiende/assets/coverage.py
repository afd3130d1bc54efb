"""Warranty coverage as plain date arithmetic (no ORM, no clock): tested without a database.

Rules (docs/decisions/0031-assets-and-warranty-coverage.md):
- A standard warranty of N months covers from the purchase day through the day before its
  N-month anniversary. An anniversary that does not exist (29 February in a common year, the
  31st of a short month) is the first day of the next month, so the customer never loses the
  month's last day: bought 2024-02-29 with 12 months → covered through 2025-02-28.
- An extended warranty covers `starts_on` through `ends_on`, both included.
- An asset is covered on a day when any period contains it. `until` is the last day of the
  unbroken run of periods around that day: periods that overlap or touch (one ends the day
  before, or the day, the next begins) join; a gap of one uncovered day splits them.
- `extended` says the run's last day is covered by an extended warranty (what the ticket shows
  as "· extended").
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Period:
    starts_on: date
    ends_on: date  # included
    extended: bool = False


@dataclass(frozen=True)
class Coverage:
    covered: bool
    until: date | None  # the last covered day of the run containing `today`; None when not covered
    extended: bool
    ended_on: date | None = None  # when not covered: the last covered day before `today`, if any


def anniversary(start: date, months: int) -> date:
    """The day `months` months after `start`; a day the month lacks rolls to the next month's first."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    if start.day > calendar.monthrange(year, month)[1]:
        return date(year + month // 12, month % 12 + 1, 1)
    return date(year, month, start.day)


def standard_period(purchased_on: date, warranty_months: int) -> Period | None:
    if warranty_months <= 0:
        return None
    return Period(purchased_on, anniversary(purchased_on, warranty_months) - ONE_DAY)


def earliest_purchase_covered(today: date, warranty_months: int) -> date:
    """The first purchase day whose standard warranty still covers `today` (for a database filter:
    `purchased_on >= this`, with `purchased_on <= today`). The standard end grows with the purchase
    day, so start from the plain month arithmetic and step to the exact boundary."""
    back = today.month - 1 - warranty_months
    year, month = today.year + back // 12, back % 12 + 1
    guess = date(year, month, min(today.day, calendar.monthrange(year, month)[1]))
    while anniversary(guess, warranty_months) - ONE_DAY >= today:
        guess -= ONE_DAY
    while anniversary(guess, warranty_months) - ONE_DAY < today:
        guess += ONE_DAY
    return guess


def coverage_on(today: date, periods: Iterable[Period]) -> Coverage:
    ordered = sorted(periods, key=lambda p: (p.starts_on, p.ends_on))
    run_start: date | None = None
    run_end: date | None = None
    run_extended = False
    ended_on: date | None = None
    for period in ordered:
        if run_end is not None and period.starts_on <= run_end + ONE_DAY:
            if period.ends_on > run_end or (period.ends_on == run_end and period.extended):
                run_end, run_extended = period.ends_on, period.extended or (period.ends_on == run_end and run_extended)
            continue
        if run_start is not None and run_start <= today <= run_end:
            break
        if run_end is not None and run_end < today:
            ended_on = run_end
        run_start, run_end, run_extended = period.starts_on, period.ends_on, period.extended
    if run_start is not None and run_start <= today <= run_end:
        return Coverage(True, run_end, run_extended)
    if run_end is not None and run_end < today:
        ended_on = run_end
    return Coverage(False, None, False, ended_on)


def asset_coverage(today: date, *, purchased_on: date, warranty_months: int,
                   extended: Iterable[tuple[date, date]] = ()) -> Coverage:
    periods = [Period(start, end, True) for start, end in extended]
    standard = standard_period(purchased_on, warranty_months)
    if standard is not None:
        periods.append(standard)
    return coverage_on(today, periods)
