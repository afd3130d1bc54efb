"""A week's staffing from forecast arrivals (pure: numbers in, rows out).

Live channels (chat, phone) use Erlang C per hour: the fewest agents answering the target share
within the target seconds. Deferred channels (email and the other written channels) need no
answer within seconds but within `deferred_hours`: each hour staffs the work that arrived in the
trailing window of that many hours spread evenly over the window (the week wraps round, as a
forecast week stands for every week like it), which clears what arrives within the window in a
steady state. Both then add shrinkage.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from . import erlang
from .inputs import Targets

LIVE = "erlang"
DEFERRED = "backlog"
LIVE_CHANNELS = frozenset({"chat", "phone"})


@dataclass(frozen=True)
class HourPlan:
    contacts: float
    agents: int
    occupancy: float
    asa_seconds: float | None  # None for deferred channels: nobody waits on the line
    service_level: float | None
    scheduled: int


def mode_for(channel: str) -> str:
    return LIVE if channel in LIVE_CHANNELS else DEFERRED


def plan_live(forecast: Sequence[float], *, aht_seconds: float, targets: Targets) -> list[HourPlan]:
    rows = []
    for contacts in forecast:
        found = erlang.agents_needed(contacts_per_hour=contacts, aht_seconds=aht_seconds,
                                     target_seconds=targets.target_seconds, service_level_target=targets.service_level)
        rows.append(HourPlan(contacts, found.agents, found.occupancy, found.asa_seconds, found.service_level,
                             erlang.scheduled_heads(found.agents, shrinkage=targets.shrinkage)))
    return rows


def plan_deferred(forecast: Sequence[float], *, aht_seconds: float, targets: Targets) -> list[HourPlan]:
    hours = len(forecast)
    window = max(1, min(hours, round(targets.deferred_hours)))
    work = [contacts * aht_seconds / 3600.0 for contacts in forecast]  # agent-hours arriving each hour
    rows = []
    trailing = sum(work[-k % hours] for k in range(window))  # the window ending with hour 0
    for h, contacts in enumerate(forecast):
        if h:
            trailing += work[h] - work[(h - window) % hours]
        needed_load = max(0.0, trailing) / window
        agents = math.ceil(needed_load - 1e-9) if needed_load > 0 else 0
        rows.append(HourPlan(contacts, agents, erlang.occupancy(agents, needed_load), None, None,
                             erlang.scheduled_heads(agents, shrinkage=targets.shrinkage)))
    return rows


def plan_channel(channel: str, forecast: Sequence[float], *, aht_seconds: float, targets: Targets) -> list[HourPlan]:
    if mode_for(channel) == LIVE:
        return plan_live(forecast, aht_seconds=aht_seconds, targets=targets)
    return plan_deferred(forecast, aht_seconds=aht_seconds, targets=targets)
