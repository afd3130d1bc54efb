"""Coverage arithmetic: the edges named by the issue, and Hypothesis against a day-by-day reference."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from atiende.assets.coverage import (
    Period,
    anniversary,
    asset_coverage,
    coverage_on,
    earliest_purchase_covered,
    standard_period,
)

D = date


def test_leap_day_purchase_is_covered_through_the_last_day_of_february():
    assert standard_period(D(2024, 2, 29), 12) == Period(D(2024, 2, 29), D(2025, 2, 28))
    assert standard_period(D(2024, 2, 29), 48) == Period(D(2024, 2, 29), D(2028, 2, 28))
    assert standard_period(D(2023, 3, 1), 12) == Period(D(2023, 3, 1), D(2024, 2, 29))


def test_month_end_purchase_rolls_to_the_next_month():
    assert anniversary(D(2025, 1, 31), 1) == D(2025, 3, 1)
    assert standard_period(D(2025, 1, 31), 1).ends_on == D(2025, 2, 28)
    assert anniversary(D(2025, 12, 31), 2) == D(2026, 3, 1)
    assert anniversary(D(2025, 11, 30), 1) == D(2025, 12, 30)


def test_no_standard_warranty():
    assert standard_period(D(2025, 1, 1), 0) is None
    found = asset_coverage(D(2025, 1, 1), purchased_on=D(2025, 1, 1), warranty_months=0)
    assert (found.covered, found.until, found.extended, found.ended_on) == (False, None, False, None)


def test_extended_starting_the_day_the_standard_one_ends_joins_it():
    # Standard: 2025-03-12 .. 2026-03-11; the extended one starts on 2026-03-11.
    found = asset_coverage(D(2025, 6, 1), purchased_on=D(2025, 3, 12), warranty_months=12,
                           extended=[(D(2026, 3, 11), D(2027, 3, 12))])
    assert (found.covered, found.until, found.extended) == (True, D(2027, 3, 12), True)


def test_extended_starting_the_day_after_joins_and_a_gap_splits():
    after = asset_coverage(D(2025, 6, 1), purchased_on=D(2025, 3, 12), warranty_months=12,
                           extended=[(D(2026, 3, 12), D(2027, 3, 12))])
    assert (after.until, after.extended) == (D(2027, 3, 12), True)
    gap = asset_coverage(D(2025, 6, 1), purchased_on=D(2025, 3, 12), warranty_months=12,
                         extended=[(D(2026, 3, 13), D(2027, 3, 12))])
    assert (gap.covered, gap.until, gap.extended) == (True, D(2026, 3, 11), False)
    in_gap = asset_coverage(D(2026, 3, 12), purchased_on=D(2025, 3, 12), warranty_months=12,
                            extended=[(D(2026, 3, 13), D(2027, 3, 12))])
    assert (in_gap.covered, in_gap.until, in_gap.ended_on) == (False, None, D(2026, 3, 11))


def test_the_last_day_is_covered_and_the_next_is_not():
    last = asset_coverage(D(2026, 3, 11), purchased_on=D(2025, 3, 12), warranty_months=12)
    assert (last.covered, last.until) == (True, D(2026, 3, 11))
    next_day = asset_coverage(D(2026, 3, 12), purchased_on=D(2025, 3, 12), warranty_months=12)
    assert (next_day.covered, next_day.ended_on) == (False, D(2026, 3, 11))


def test_an_extended_warranty_inside_the_standard_one_does_not_mark_it_extended():
    found = asset_coverage(D(2025, 6, 1), purchased_on=D(2025, 3, 12), warranty_months=12,
                           extended=[(D(2025, 4, 1), D(2025, 5, 1))])
    assert (found.until, found.extended) == (D(2026, 3, 11), False)


def test_before_purchase_is_not_covered():
    found = asset_coverage(D(2025, 3, 11), purchased_on=D(2025, 3, 12), warranty_months=12)
    assert (found.covered, found.ended_on) == (False, None)


# --- Hypothesis against a reference that walks day by day ----------------------------------------

def reference(today: date, periods: list[Period]) -> tuple[bool, date | None, bool, date | None]:
    days: dict[date, bool] = {}
    for p in periods:
        day = p.starts_on
        while day <= p.ends_on:
            days[day] = days.get(day, False) or p.extended
            day += timedelta(days=1)
    if today not in days:
        before = [d for d in days if d < today]
        return False, None, False, max(before) if before else None
    end = today
    while end + timedelta(days=1) in days:
        end += timedelta(days=1)
    return True, end, days[end], None


dates = st.dates(min_value=D(2023, 1, 1), max_value=D(2026, 12, 31))


@st.composite
def periods(draw) -> list[Period]:
    out = []
    for _ in range(draw(st.integers(0, 4))):
        start = draw(dates)
        out.append(Period(start, start + timedelta(days=draw(st.integers(0, 200))), draw(st.booleans())))
    return out


@settings(max_examples=300, deadline=None)
@given(dates, periods())
def test_coverage_equals_the_day_by_day_reference(today, found_periods):
    found = coverage_on(today, found_periods)
    assert (found.covered, found.until, found.extended, found.ended_on) == reference(today, found_periods)


@settings(max_examples=300, deadline=None)
@given(dates, st.integers(1, 60))
def test_earliest_purchase_covered_is_the_exact_boundary(today, months):
    first = earliest_purchase_covered(today, months)
    assert standard_period(first, months).ends_on >= today
    assert standard_period(first - timedelta(days=1), months).ends_on < today


def test_long_dates_read_naturally_in_spanish_and_english():
    from django.utils import translation

    from atiende.assets.wording import long_date

    with translation.override("es-mx"):
        assert long_date(D(2027, 3, 12)) == "12 de marzo de 2027"
    with translation.override("en"):
        assert long_date(D(2027, 3, 12)) == "March 12, 2027"
