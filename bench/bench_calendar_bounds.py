"""The costliest calendar question the API still accepts, cold and warm (hardening issue).

`business-calendars/{id}/between/` spans at most 1,830 days and `due/` adds at most 2,628,000
minutes; before the bounds, 1000–9000 took 21 s of CPU and ~845 MB. Prints the median of a few
runs for the office calendar (Mexican holidays) over the widest allowed span.

    .venv/bin/python bench/bench_calendar_bounds.py
"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime, timedelta

import django

django.setup()

from atiende.sla.calendar import BusinessCalendar, CalendarError, Interval, mexican_holidays  # noqa: E402

OFFICE = {day: (Interval(9 * 60, 14 * 60), Interval(15 * 60, 18 * 60)) for day in range(5)}
START = datetime(2026, 1, 1, tzinfo=UTC)
WIDEST = (START, START + timedelta(days=1830))  # the longest span `between` accepts


def calendar() -> BusinessCalendar:
    return BusinessCalendar(time_zone="America/Mexico_City", hours=OFFICE, holidays=mexican_holidays)


def timed(question) -> float:
    began = time.perf_counter()
    try:
        question()
    except CalendarError:  # past five years of open time: the API's 400, after the same search
        pass
    return (time.perf_counter() - began) * 1000


def main() -> None:
    cold_between, warm_between, cold_due = [], [], []
    for _ in range(7):
        office = calendar()
        cold_between.append(timed(lambda office=office: office.between(*WIDEST)))
        warm_between.append(timed(lambda office=office: office.between(*WIDEST)))
        cold_due.append(timed(lambda: calendar().add(START, 2_628_000)))
    print(f"between, 1,830 days, cold: {statistics.median(cold_between):.1f} ms (median of 7)")
    print(f"between, 1,830 days, warm: {statistics.median(warm_between):.2f} ms")
    print(f"due, 2,628,000 minutes (more than the office has in 5 years: a 400), cold: "
          f"{statistics.median(cold_due):.1f} ms")


if __name__ == "__main__":
    main()
