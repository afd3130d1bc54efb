"""The periodic schedule runs each job once per period, however many schedulers are running.

Operations asks for one scheduler (`--no-beat` on every other `atiende worker`), but two hosts
started alike, or an old worker left running after a deploy, would each publish every job: the
SLA scan twice, the time rules twice, maintenance tickets fought over. So each due entry first
claims its period in the shared cache (Redis: SET NX with an expiry); the scheduler that loses
skips that period. Two schedulers' ticks for an interval of P seconds fall in the same window
[kP, (k+1)P) exactly once each, so exactly one of them publishes per window.
"""

from __future__ import annotations

import time
from datetime import timedelta

from celery.beat import PersistentScheduler, ScheduleEntry
from celery.schedules import schedule as interval_schedule

MINUTE = 60.0


def period_seconds(entry: ScheduleEntry) -> float:
    """An interval entry's period; a crontab-like entry counts by the minute (its resolution)."""
    if isinstance(entry.schedule, interval_schedule):
        run_every = entry.schedule.run_every
        return max(run_every.total_seconds() if isinstance(run_every, timedelta) else float(run_every), 1.0)
    return MINUTE


def claim(name: str, period: float, now: float | None = None) -> bool:
    """True for the first scheduler to ask for `name`'s current period (in any process)."""
    from django.core.cache import cache

    window = int((time.time() if now is None else now) // period)
    return cache.add(f"beat:{name}:{window}", 1, timeout=int(period * 2) + 1)


class OncePerPeriodScheduler(PersistentScheduler):
    def apply_entry(self, entry: ScheduleEntry, producer=None):
        if not claim(entry.name, period_seconds(entry)):
            return None  # another scheduler published this period's run
        return super().apply_entry(entry, producer=producer)
