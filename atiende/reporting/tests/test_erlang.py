"""Erlang C against published values, a brute-force simulation, the factorial formula in exact
arithmetic, and properties (no database)."""

from __future__ import annotations

import heapq
import math
import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from atiende.reporting import erlang

# --- published values ----------------------------------------------------------------------------
# Call Centre Helper, "Erlang C Formula – Made Simple With an Easy Worked Example"
# (callcentrehelper.com/erlang-c-formula-example-121281.htm): 100 calls in 30 minutes, 180-second
# handling time (A = 10 erlangs), target 80 % answered in 20 seconds. The article gives the
# probability of waiting 68.21 % with 11 agents and 17.41 % with 14, service level 88.84 % with
# 14, and 14 as the agents needed (13 give 79.56 %).
CALL_CENTRE_HELPER = {"contacts_per_hour": 200, "aht_seconds": 180, "target_seconds": 20}
# Wolfram Language documentation, ErlangC, basic example: ErlangC[3, 2] = 4/9.
# A question on the Erlang C curve (120 customers an hour, 3 minutes each, 10 servers: a = 6),
# whose course solution reads the probability of waiting off the curve as "about 0.10".


def test_probability_of_waiting_matches_the_call_centre_helper_example():
    load = erlang.offered_load(contacts_per_hour=200, aht_seconds=180)

    assert load == pytest.approx(10.0)
    assert erlang.probability_of_waiting(11, load) == pytest.approx(0.6821, abs=5e-5)
    assert erlang.probability_of_waiting(14, load) == pytest.approx(0.1741, abs=5e-5)
    assert erlang.service_level(14, load, aht_seconds=180, target_seconds=20) == pytest.approx(0.8884, abs=5e-5)
    assert erlang.service_level(13, load, aht_seconds=180, target_seconds=20) == pytest.approx(0.7956, abs=5e-5)


def test_agents_needed_matches_the_call_centre_helper_example():
    found = erlang.agents_needed(**CALL_CENTRE_HELPER, service_level_target=0.8)

    assert found.agents == 14
    assert found.occupancy == pytest.approx(10 / 14)
    assert found.asa_seconds == pytest.approx(0.1741 * 180 / 4, abs=0.01)


def test_probability_of_waiting_matches_the_wolfram_and_textbook_values():
    assert erlang.probability_of_waiting(3, 2.0) == pytest.approx(4 / 9, rel=1e-12)
    assert erlang.probability_of_waiting(2, 1.0) == pytest.approx(1 / 3, rel=1e-12)
    assert erlang.probability_of_waiting(10, 6.0) == pytest.approx(0.10, abs=0.005)


# --- exact reference -----------------------------------------------------------------------------

def exact_erlang_c(agents: int, load: Fraction) -> Fraction:
    """The textbook formula with factorials, in exact rationals (slow, never overflows)."""
    top = load**agents / math.factorial(agents) * Fraction(agents) / (agents - load)
    return top / (sum(load**k / math.factorial(k) for k in range(agents)) + top)


@settings(max_examples=150, deadline=None)
@given(agents=st.integers(1, 60), tenths=st.integers(1, 600))
def test_probability_of_waiting_equals_the_factorial_formula(agents, tenths):
    load = Fraction(tenths, 10)
    if load >= agents:
        assert erlang.probability_of_waiting(agents, float(load)) == 1.0
        return
    assert erlang.probability_of_waiting(agents, float(load)) == pytest.approx(float(exact_erlang_c(agents, load)),
                                                                              rel=1e-9, abs=1e-15)


# --- properties ----------------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(load=st.floats(0.01, 400), aht=st.floats(5, 3600), target=st.floats(0, 600))
def test_more_agents_never_serve_worse(load, aht, target):
    first = math.floor(load) + 1
    levels = [erlang.service_level(n, load, aht_seconds=aht, target_seconds=target) for n in range(first, first + 15)]
    waits = [erlang.average_speed_of_answer(n, load, aht_seconds=aht) for n in range(first, first + 15)]
    chances = [erlang.probability_of_waiting(n, load) for n in range(first, first + 15)]

    assert all(0.0 <= x <= 1.0 for x in levels + chances)
    assert all(b >= a - 1e-12 for a, b in zip(levels, levels[1:], strict=False))
    assert all(b <= a + 1e-9 for a, b in zip(waits, waits[1:], strict=False))
    assert all(b <= a + 1e-12 for a, b in zip(chances, chances[1:], strict=False))


@settings(max_examples=200, deadline=None)
@given(rate=st.floats(0.1, 20_000), aht=st.floats(5, 1800), target=st.floats(0, 300), level=st.floats(0.05, 0.99))
def test_agents_needed_is_the_fewest_meeting_the_target(rate, aht, target, level):
    found = erlang.agents_needed(contacts_per_hour=rate, aht_seconds=aht, target_seconds=target,
                                 service_level_target=level)
    load = erlang.offered_load(contacts_per_hour=rate, aht_seconds=aht)

    assert found.agents > load
    assert found.service_level >= level
    assert erlang.service_level(found.agents - 1, load, aht_seconds=aht, target_seconds=target) < level
    assert math.isfinite(found.asa_seconds) and 0 < found.occupancy < 1


@settings(max_examples=100, deadline=None)
@given(rate=st.floats(1, 500), aht=st.floats(30, 900), target=st.floats(5, 120))
def test_a_higher_target_or_more_contacts_never_needs_fewer_agents(rate, aht, target):
    def need(r: float, level: float) -> int:
        return erlang.agents_needed(contacts_per_hour=r, aht_seconds=aht, target_seconds=target,
                                    service_level_target=level).agents

    assert need(rate, 0.9) >= need(rate, 0.8)
    assert need(rate * 1.5, 0.8) >= need(rate, 0.8)


def test_hundreds_and_thousands_of_agents_do_not_overflow():
    found = erlang.agents_needed(contacts_per_hour=36_000, aht_seconds=300, target_seconds=20,
                                 service_level_target=0.8)  # A = 3,000 erlangs

    assert 3_000 < found.agents < 3_100
    assert 0.8 <= found.service_level < 0.9
    assert math.isfinite(found.asa_seconds)
    assert 0 < erlang.probability_of_waiting(800, 750.0) < 1


def test_no_contacts_need_no_agents_and_too_many_are_refused():
    none = erlang.agents_needed(contacts_per_hour=0, aht_seconds=300, target_seconds=20, service_level_target=0.8)

    assert (none.agents, none.service_level, none.asa_seconds, none.occupancy) == (0, 1.0, 0.0, 0.0)
    with pytest.raises(erlang.TooMuchLoad):
        erlang.agents_needed(contacts_per_hour=10**9, aht_seconds=300, target_seconds=20, service_level_target=0.8)
    assert erlang.service_level(5, 5.0, aht_seconds=60, target_seconds=20) == 0.0
    assert erlang.average_speed_of_answer(4, 5.0, aht_seconds=60) == math.inf


@pytest.mark.parametrize(("agents", "shrinkage", "heads"), [(10, 0.2, 13), (8, 0.2, 10), (0, 0.3, 0), (7, 0.0, 7),
                                                             (1, 0.99, 100)])
def test_scheduled_heads_round_up_after_shrinkage(agents, shrinkage, heads):
    assert erlang.scheduled_heads(agents, shrinkage=shrinkage) == heads


# --- against a simulation ------------------------------------------------------------------------

def simulate(*, agents: int, rate_per_hour: float, aht: float, target: float, contacts: int, seed: int):
    """A brute-force M/M/N queue, first come first served: each contact takes the agent who frees
    up first. Returns the share that waited, the share answered within `target`, the mean wait."""
    rng = random.Random(seed)
    free_at = [0.0] * agents
    now = waited = within = 0
    total_wait = 0.0
    now = 0.0
    for _ in range(contacts):
        now += rng.expovariate(rate_per_hour / 3600)
        earliest = heapq.heappop(free_at)
        wait = max(0.0, earliest - now)
        heapq.heappush(free_at, now + wait + rng.expovariate(1 / aht))
        waited += wait > 0
        within += wait <= target
        total_wait += wait
    return waited / contacts, within / contacts, total_wait / contacts


@pytest.mark.parametrize(("agents", "rate", "aht"), [(14, 200, 180), (5, 30, 300), (30, 600, 150)])
def test_the_formulas_agree_with_a_simulated_queue(agents, rate, aht):
    waited, within, mean_wait = simulate(agents=agents, rate_per_hour=rate, aht=aht, target=20, contacts=150_000, seed=7)
    load = erlang.offered_load(contacts_per_hour=rate, aht_seconds=aht)

    assert waited == pytest.approx(erlang.probability_of_waiting(agents, load), abs=0.02)
    assert within == pytest.approx(erlang.service_level(agents, load, aht_seconds=aht, target_seconds=20), abs=0.02)
    assert mean_wait == pytest.approx(erlang.average_speed_of_answer(agents, load, aht_seconds=aht), rel=0.12, abs=0.5)
