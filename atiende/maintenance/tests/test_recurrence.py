"""Recurrence edges, without a database: month ends, leap days, weeks, RRULEs (and those refused),
and the days near a daylight-saving change (visits are days, so none moves or doubles)."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import islice

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atiende.maintenance.recurrence import (
    BadRule,
    Recurrence,
    Unit,
    add_months,
    between,
    next_on_or_after,
    occurrences,
    parse_rule,
)


def first(rec: Recurrence, count: int, start: date | None = None) -> list[date]:
    return list(islice(occurrences(rec, on_or_after=start or rec.starts_on), count))


def test_monthly_from_the_31st_lands_on_each_month_end_and_returns_to_the_31st():
    rec = Recurrence(Unit.MONTH, 1, date(2027, 1, 31))
    assert first(rec, 5) == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30),
                             date(2027, 5, 31)]


def test_monthly_across_a_leap_february():
    rec = Recurrence(Unit.MONTH, 1, date(2028, 1, 30))
    assert first(rec, 3) == [date(2028, 1, 30), date(2028, 2, 29), date(2028, 3, 30)]


def test_yearly_from_29_february_visits_on_28_february_of_common_years():
    rec = Recurrence(Unit.MONTH, 12, date(2024, 2, 29))
    assert first(rec, 5) == [date(2024, 2, 29), date(2025, 2, 28), date(2026, 2, 28), date(2027, 2, 28),
                             date(2028, 2, 29)]


def test_every_three_months_counted_from_the_start_without_drift():
    rec = Recurrence(Unit.MONTH, 3, date(2026, 11, 30))
    assert first(rec, 4) == [date(2026, 11, 30), date(2027, 2, 28), date(2027, 5, 30), date(2027, 8, 30)]
    # Asking from the middle gives the same days.
    assert first(rec, 2, date(2027, 3, 1)) == [date(2027, 5, 30), date(2027, 8, 30)]


def test_every_two_weeks_and_every_ten_days():
    assert first(Recurrence(Unit.WEEK, 2, date(2027, 3, 1)), 3) == [date(2027, 3, 1), date(2027, 3, 15),
                                                                   date(2027, 3, 29)]
    assert next_on_or_after(Recurrence(Unit.DAY, 10, date(2027, 1, 1)), date(2027, 1, 12)) == date(2027, 1, 21)
    assert next_on_or_after(Recurrence(Unit.DAY, 10, date(2027, 1, 1)), date(2027, 1, 11)) == date(2027, 1, 11)


def test_daily_across_both_daylight_saving_changes_gives_every_day_once():
    # In the United States 2027: 14 March (spring forward) and 7 November (fall back).
    for start in (date(2027, 3, 12), date(2027, 11, 5)):
        days = between(Recurrence(Unit.DAY, 1, start), start, start + timedelta(days=4))
        assert days == [start + timedelta(days=n) for n in range(5)]
        rule = between(Recurrence(Unit.RRULE, 1, start, "FREQ=DAILY"), start, start + timedelta(days=4))
        assert rule == days


def test_rrule_last_weekday_of_the_month_and_a_rule_that_ends():
    rec = Recurrence(Unit.RRULE, 1, date(2027, 1, 1), "RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1")
    assert first(rec, 3) == [date(2027, 1, 29), date(2027, 2, 26), date(2027, 3, 31)]
    ending = Recurrence(Unit.RRULE, 1, date(2027, 1, 1), "FREQ=WEEKLY;COUNT=2")
    assert first(ending, 5) == [date(2027, 1, 1), date(2027, 1, 8)]
    assert next_on_or_after(ending, date(2027, 1, 9)) is None


def test_rrule_month_end_by_negative_month_day():
    rec = Recurrence(Unit.RRULE, 1, date(2027, 1, 15), "FREQ=MONTHLY;BYMONTHDAY=-1")
    assert first(rec, 3) == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31)]


def test_rrule_with_two_hours_in_a_day_visits_that_day_once():
    rec = Recurrence(Unit.RRULE, 1, date(2027, 1, 1), "FREQ=DAILY;BYHOUR=9,15")
    assert first(rec, 2) == [date(2027, 1, 1), date(2027, 1, 2)]


@pytest.mark.parametrize("text", ["", "FREQ=HOURLY", "FREQ=MINUTELY;INTERVAL=5", "FREQ=FORTNIGHTLY",
                                  "DTSTART:20270101T000000\nRRULE:FREQ=DAILY", "FREQ=DAILY;COUNT=x", "x" * 600])
def test_rules_refused(text):
    with pytest.raises(BadRule):
        parse_rule(text, date(2027, 1, 1))


def test_between_keeps_the_latest_when_over_the_limit():
    days = between(Recurrence(Unit.DAY, 1, date(2027, 1, 1)), date(2027, 1, 1), date(2027, 12, 31), limit=3)
    assert days == [date(2027, 12, 29), date(2027, 12, 30), date(2027, 12, 31)]


@given(st.dates(date(2000, 1, 1), date(2090, 12, 31)), st.integers(1, 30), st.integers(0, 400))
def test_monthly_equals_adding_months_from_the_start(start, interval, k):
    rec = Recurrence(Unit.MONTH, interval, start)
    expected = add_months(start, k * interval)
    assert next_on_or_after(rec, expected) == expected
    # No visit between two consecutive ones.
    following = add_months(start, (k + 1) * interval)
    assert next_on_or_after(rec, expected + timedelta(days=1)) == following
