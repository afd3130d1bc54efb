"""Due-date computations per second on a calendar with holidays and a lunch break.

Usage: .venv/bin/python bench/bench_calendar.py [--seconds N]
Prints the rate of `BusinessCalendar.add` (target >= 200,000/s) and of `between`.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta

from atiende.sla.calendar import BusinessCalendar, Interval, mexican_holidays


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    lunch = (Interval.parse("09:00", "14:00"), Interval.parse("15:00", "18:00"))
    calendar = BusinessCalendar(time_zone="America/Mexico_City", hours={d: lunch for d in range(5)}, holidays=mexican_holidays)
    rng = random.Random(7)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    starts = [base + timedelta(seconds=rng.randrange(365 * 86400)) for _ in range(10_000)]
    minutes = [rng.choice([60, 240, 480, 1440, 2400]) for _ in range(10_000)]
    calendar.add(starts[0], 1)  # expand the year once, as a long-running worker would have
    for name, work in [("add (due date)", lambda s, m: calendar.add(s, m)), ("between", lambda s, m: calendar.between(s, s + timedelta(minutes=m)))]:
        done, began = 0, time.perf_counter()
        while time.perf_counter() - began < args.seconds:
            for s, m in zip(starts, minutes, strict=True):
                work(s, m)
            done += len(starts)
        rate = done / (time.perf_counter() - began)
        verdict = "met" if name.startswith("add") and rate >= 200_000 else ("NOT MET" if name.startswith("add") else "")
        print(f"{name:16} {rate:12,.0f} computations/s  {('(target >= 200,000/s: ' + verdict + ')') if verdict else ''}")


if __name__ == "__main__":
    main()
