"""Free appointment slots (pure: no ORM). Times are integer seconds since the epoch (UTC).

An agent offers a slot when the appointment itself, `[start, start + minutes)`, lies inside one
of their open spans (their business calendar: DST and holidays are already in the spans), and
the time it holds, `[start - before, end + after)` with the type's buffers, meets nothing else
they hold: other appointments (each holding its own buffers too) and absences. Starts fall every
`step` seconds from the start of each open span. A session of the same type that already starts
then with that agent and has seats left is joined instead: it counts its free seats.

`seats_left` of a slot is the sum over agents of what each can still take: a free agent the
type's seats, an agent whose session there is filling its free seats.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rules:
    minutes: int  # all in seconds from here on, except `seats`
    seats: int
    before: int = 0
    after: int = 0
    step: int = 1800


@dataclass
class AgentTime:
    """One agent's open spans and what they already hold (both lists of [start, end))."""

    agent_id: int
    open_spans: Sequence[tuple[int, int]]
    held: Sequence[tuple[int, int]] = ()
    # Sessions of the type being booked: start → seats taken (their holds are in `held` too).
    sessions: Mapping[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Slot:
    start: int
    end: int
    seats_left: int
    seats_by_agent: tuple[tuple[int, int], ...]  # (agent id, seats that agent can still take)


class _Holds:
    """Sorted holds with a prefix maximum of their ends: "does anything meet [s, e)?" is a
    bisection and a short walk back."""

    def __init__(self, held: Iterable[tuple[int, int]]):
        self.spans = sorted(held)
        self.starts = [s for s, _ in self.spans]
        self.max_end: list[int] = []
        top = None
        for _, end in self.spans:
            top = end if top is None else max(top, end)
            self.max_end.append(top)

    def meets(self, start: int, end: int, *, ignore: tuple[int, int] | None = None) -> bool:
        j = bisect.bisect_left(self.starts, end) - 1
        while j >= 0 and self.max_end[j] > start:
            span = self.spans[j]
            if span[1] > start and span != ignore:
                return True
            j -= 1
        return False


def _agent_seats(agent: AgentTime, rules: Rules, start: int, holds: _Holds) -> int:
    hold = (start - rules.before, start + rules.minutes + rules.after)
    taken = agent.sessions.get(start)
    if taken is not None:
        # Joining the session: its own hold is exactly this one and does not count against it.
        return max(rules.seats - taken, 0) if not holds.meets(*hold, ignore=hold) else 0
    return rules.seats if not holds.meets(*hold) else 0


def _merged(held: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    result: list[tuple[int, int]] = []
    for start, end in sorted(held):
        if result and start <= result[-1][1]:
            if end > result[-1][1]:
                result[-1] = (result[-1][0], end)
        else:
            result.append((start, end))
    return result


def _fresh_starts(agent: AgentTime, rules: Rules, window_start: int, window_end: int) -> Iterable[int]:
    """Starts where the agent holds nothing: within each open span, the gaps between their merged
    holds give a range of starts whose hold fits, walked on the span's grid (no per-start search)."""
    holds = _merged(agent.held)
    i = 0
    for span_start, span_end in agent.open_spans:
        lowest, highest = max(span_start, window_start), min(span_end - rules.minutes, window_end - 1)
        if highest < lowest:
            continue
        while i < len(holds) and holds[i][1] <= lowest - rules.before:
            i += 1  # holds ending before any hold of this span could begin
        gap_start, j = None, i
        if j < len(holds) and holds[j][0] <= lowest - rules.before:
            gap_start = holds[j][1]
            j += 1
        else:
            gap_start = -(1 << 62)
        while True:
            gap_end = holds[j][0] if j < len(holds) else 1 << 62
            low = max(lowest, gap_start + rules.before)
            high = min(highest, gap_end - rules.minutes - rules.after)
            if low <= high:
                first = span_start + -(-(low - span_start) // rules.step) * rules.step
                yield from range(first, high + 1, rules.step)
            if j >= len(holds) or holds[j][0] > highest + rules.minutes + rules.after:
                break
            gap_start = holds[j][1]
            j += 1


def free_slots(agents: Sequence[AgentTime], rules: Rules, *, window_start: int, window_end: int) -> list[Slot]:
    """Slots starting in [window_start, window_end) with at least one seat, earliest first."""
    if rules.minutes <= 0 or rules.step <= 0 or rules.seats <= 0:
        return []
    offers: dict[int, list[tuple[int, int]]] = {}
    for agent in agents:
        for start in _fresh_starts(agent, rules, window_start, window_end):
            offers.setdefault(start, []).append((agent.agent_id, rules.seats))
        if agent.sessions:
            _join_sessions(agent, rules, window_start, window_end, offers)
    return [Slot(start, start + rules.minutes, sum(s for _, s in found), tuple(sorted(found)))
            for start, found in sorted(offers.items())]


def _join_sessions(agent: AgentTime, rules: Rules, window_start: int, window_end: int,
                   offers: dict[int, list[tuple[int, int]]]) -> None:
    """Sessions of this type with seats left, on the agent's grid and in open time, that nothing
    else the agent holds meets."""
    holds = _Holds(agent.held)
    span_starts = [a for a, _ in agent.open_spans]
    for start, taken in agent.sessions.items():
        if taken >= rules.seats or not window_start <= start < window_end:
            continue
        i = bisect.bisect_right(span_starts, start) - 1  # the open span the session starts in, if any
        if i < 0 or start + rules.minutes > agent.open_spans[i][1] or (start - span_starts[i]) % rules.step:
            continue
        seats = _agent_seats(agent, rules, start, holds)
        if seats:
            offers.setdefault(start, []).append((agent.agent_id, seats))


def best_agent(slot: Slot, sessions_by_agent: Mapping[int, Mapping[int, int]], load: Mapping[int, int]) -> int | None:
    """Whom to book: an agent whose session at this start is filling (fill sessions first), else
    the one with the fewest appointments (`load`), then the lowest id."""
    candidates = [agent for agent, seats in slot.seats_by_agent if seats > 0]
    if not candidates:
        return None
    filling = [agent for agent in candidates if slot.start in sessions_by_agent.get(agent, {})]
    return min(filling or candidates, key=lambda agent: (load.get(agent, 0), agent))
