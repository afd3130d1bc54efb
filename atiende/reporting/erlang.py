"""Erlang C: how many agents a live queue (chat, phone) needs (pure: no database, no Django).

The M/M/N model: contacts arrive at random (Poisson) at `rate` per hour, each holds an agent for
an exponentially distributed time averaging `aht` seconds, nobody hangs up, and a contact waits
in one queue until any of the N agents is free. The offered load is A = rate × aht / 3600
erlangs (how many agents would be busy all the time).

Numerical stability: the textbook formula divides A^N / N! by a sum of such terms, which
overflows a float past about 170 agents. The Erlang B recursion
B(0) = 1, B(k) = A·B(k−1) / (k + A·B(k−1)) stays within [0, 1] at every step, and
C = N·B / (N − A·(1 − B)) follows from it, so thousands of agents cost only a loop.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# The most agents one hour may need before we say the load cannot be served sensibly: a
# contact centre of ten thousand heads on one queue is a planning error, not an answer.
MAX_AGENTS = 10_000


class TooMuchLoad(ValueError):
    """No number of agents up to MAX_AGENTS meets the target."""


def offered_load(*, contacts_per_hour: float, aht_seconds: float) -> float:
    """A, in erlangs."""
    return contacts_per_hour * aht_seconds / 3600.0


def erlang_b(agents: int, load: float) -> float:
    """The probability that a contact finds all `agents` busy if it could not wait (Erlang B)."""
    blocked = 1.0
    for k in range(1, agents + 1):
        blocked = load * blocked / (k + load * blocked)
    return blocked


def _c_from_b(agents: int, load: float, blocked: float) -> float:
    if agents <= load:
        return 1.0  # the queue grows without end: everyone waits
    return agents * blocked / (agents - load * (1.0 - blocked))


def probability_of_waiting(agents: int, load: float) -> float:
    """Erlang C: the probability that a contact has to wait at all (1 when agents ≤ load)."""
    if load <= 0:
        return 0.0
    if agents <= 0:
        return 1.0
    return _c_from_b(agents, load, erlang_b(agents, load))


def service_level(agents: int, load: float, *, aht_seconds: float, target_seconds: float) -> float:
    """The share of contacts answered within `target_seconds`:
    1 − C · exp(−(N − A) · T / AHT)."""
    if load <= 0:
        return 1.0
    if agents <= load:
        return 0.0
    waiting = probability_of_waiting(agents, load)
    return _service_level(agents, load, waiting, aht_seconds, target_seconds)


def _service_level(agents: int, load: float, waiting: float, aht_seconds: float, target_seconds: float) -> float:
    return max(0.0, 1.0 - waiting * math.exp(-(agents - load) * target_seconds / aht_seconds))


def average_speed_of_answer(agents: int, load: float, *, aht_seconds: float) -> float:
    """ASA in seconds: C · AHT / (N − A); infinite when agents ≤ load."""
    if load <= 0:
        return 0.0
    if agents <= load:
        return math.inf
    return probability_of_waiting(agents, load) * aht_seconds / (agents - load)


def occupancy(agents: int, load: float) -> float:
    """The share of their time the agents spend handling contacts (A / N, at most 1)."""
    if agents <= 0:
        return 0.0
    return min(1.0, load / agents)


@dataclass(frozen=True)
class Staffing:
    agents: int
    load: float
    probability_of_waiting: float
    service_level: float
    asa_seconds: float
    occupancy: float


def agents_needed(
    *, contacts_per_hour: float, aht_seconds: float, target_seconds: float, service_level_target: float,
    max_agents: int = MAX_AGENTS,
) -> Staffing:
    """The fewest agents answering `service_level_target` (0–1) of contacts within
    `target_seconds`, with what they achieve. Raises TooMuchLoad past `max_agents`.

    The search walks N up from ⌊A⌋ + 1 carrying the Erlang B value along, so finding N costs
    one recursion step per agent, not one recursion per candidate."""
    load = offered_load(contacts_per_hour=contacts_per_hour, aht_seconds=aht_seconds)
    if load <= 0:
        return Staffing(0, 0.0, 0.0, 1.0, 0.0, 0.0)
    if load >= max_agents:
        raise TooMuchLoad(max_agents)
    blocked = 1.0
    agents = 0
    while agents < max_agents:
        agents += 1
        blocked = load * blocked / (agents + load * blocked)
        if agents <= load:
            continue
        waiting = _c_from_b(agents, load, blocked)
        achieved = _service_level(agents, load, waiting, aht_seconds, target_seconds)
        if achieved >= service_level_target:
            return Staffing(agents, load, waiting, achieved, waiting * aht_seconds / (agents - load), load / agents)
    raise TooMuchLoad(max_agents)


def scheduled_heads(agents: int, *, shrinkage: float) -> int:
    """Heads to put on the schedule so that `agents` are on the queue after shrinkage
    (breaks, training, absence): ⌈N / (1 − shrinkage)⌉. A tiny tolerance keeps float noise
    (10 / 0.8 = 12.500000000000002) from adding a head."""
    if agents <= 0:
        return 0
    return math.ceil(agents / (1.0 - shrinkage) - 1e-9)
