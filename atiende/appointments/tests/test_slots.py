"""Slot arithmetic: equal to a minute-by-minute reference (Hypothesis), and hand-computed cases."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from atiende.appointments.slots import AgentTime, Rules, Slot, best_agent, free_slots

M = 60  # seconds


def reference(agents, rules, window_start, window_end):
    """Every minute checked on its own: is the appointment open, is its hold free?"""
    found = {}
    for agent in agents:
        for span_start, span_end in agent.open_spans:
            start = span_start
            while start + rules.minutes <= span_end:
                if window_start <= start < window_end:
                    hold = range(start - rules.before, start + rules.minutes + rules.after, M)
                    own = (start - rules.before, start + rules.minutes + rules.after)
                    joining = start in agent.sessions
                    others = [h for h in agent.held if not (joining and h == own)]
                    busy = any(s <= minute < e for minute in hold for s, e in others)
                    seats = 0 if busy else (rules.seats - agent.sessions[start] if joining else rules.seats)
                    if seats > 0:
                        found.setdefault(start, []).append((agent.agent_id, seats))
                start += rules.step
    return [(s, s + rules.minutes, sum(n for _, n in v)) for s, v in sorted(found.items())]


minutes = st.integers(min_value=0, max_value=600).map(lambda n: n * M)


@st.composite
def worlds(draw):
    rules = Rules(minutes=draw(st.sampled_from([15, 30, 45, 60, 90])) * M, seats=draw(st.integers(1, 4)),
                  before=draw(st.sampled_from([0, 5, 15])) * M, after=draw(st.sampled_from([0, 10, 30])) * M,
                  step=draw(st.sampled_from([15, 30, 60])) * M)
    agents = []
    for agent_id in range(1, draw(st.integers(1, 3)) + 1):
        cuts = sorted(set(draw(st.lists(minutes, max_size=6))))
        spans = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)]
        held = [tuple(sorted((a, a + b))) for a, b in draw(st.lists(st.tuples(minutes, minutes.filter(bool)), max_size=4))]
        sessions = {}
        for span_start, _ in spans[:1]:
            if rules.seats > 1 and draw(st.booleans()):
                sessions[span_start] = draw(st.integers(1, rules.seats))
                held.append((span_start - rules.before, span_start + rules.minutes + rules.after))
        agents.append(AgentTime(agent_id, spans, held, sessions))
    window = sorted((draw(minutes), draw(minutes)))
    return agents, rules, window


@settings(max_examples=300, deadline=None)
@given(worlds())
def test_equal_to_reference(world):
    agents, rules, (window_start, window_end) = world
    got = [(s.start, s.end, s.seats_left) for s in free_slots(agents, rules, window_start=window_start, window_end=window_end)]
    assert got == reference(agents, rules, window_start, window_end)


def test_buffers_keep_room_around_other_appointments():
    rules = Rules(minutes=60 * M, seats=1, before=15 * M, after=15 * M, step=30 * M)
    agent = AgentTime(7, [(540 * M, 720 * M)], held=[(645 * M, 705 * M)])  # 9:00–12:00 open, 10:45–11:45 held
    starts = [s.start // M for s in free_slots([agent], rules, window_start=0, window_end=10**6)]
    assert starts == [540, 570]  # 9:30 holds until 10:45 exactly; 10:00 would hold until 11:15


def test_a_filling_session_counts_its_free_seats_and_is_filled_first():
    rules = Rules(minutes=60 * M, seats=5, step=60 * M)
    filling = AgentTime(1, [(0, 120 * M)], held=[(0, 60 * M)] * 3, sessions={0: 3})
    free = AgentTime(2, [(0, 120 * M)])
    first = free_slots([filling, free], rules, window_start=0, window_end=10**6)[0]
    assert first == Slot(0, 60 * M, 2 + 5, ((1, 2), (2, 5)))
    assert best_agent(first, {1: {0: 3}}, load={1: 9, 2: 0}) == 1


def test_a_full_session_offers_nothing_and_the_window_cuts_starts():
    rules = Rules(minutes=30 * M, seats=2, step=30 * M)
    agent = AgentTime(1, [(0, 120 * M)], held=[(0, 30 * M)] * 2, sessions={0: 2})
    assert [s.start // M for s in free_slots([agent], rules, window_start=1, window_end=90 * M)] == [30, 60]
