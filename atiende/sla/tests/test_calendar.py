"""Business-calendar arithmetic: laws (Hypothesis) and hand-computed cases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from atiende.sla.calendar import (
    BusinessCalendar,
    CalendarError,
    Interval,
    NoOpenTime,
    mexican_holidays,
)


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted as written (English); the default language is es-MX."""
    with translation.override("en"):
        yield


CDMX = ZoneInfo("America/Mexico_City")
TIJUANA = ZoneInfo("America/Tijuana")


def weekdays(*intervals: tuple[str, str], days=range(5)) -> dict[int, tuple[Interval, ...]]:
    parsed = tuple(Interval.parse(a, b) for a, b in intervals)
    return {day: parsed for day in days}


OFFICE = BusinessCalendar(time_zone="America/Mexico_City", hours=weekdays(("09:00", "18:00")), holidays=mexican_holidays)
LUNCH = BusinessCalendar(
    time_zone="America/Mexico_City", hours=weekdays(("09:00", "14:00"), ("15:00", "18:00")), holidays=mexican_holidays,
    closed_dates={date(2026, 12, 24)},
)
NIGHT = BusinessCalendar(time_zone="America/Mexico_City", hours=weekdays(("22:00", "06:00")))
TIJUANA_OFFICE = BusinessCalendar(time_zone="America/Tijuana", hours=weekdays(("00:00", "24:00"), days=range(7)))
TIJUANA_NIGHT = BusinessCalendar(time_zone="America/Tijuana", hours=weekdays(("22:00", "06:00"), days=range(7)))
ALWAYS = BusinessCalendar.always_open()
CALENDARS = [OFFICE, LUNCH, NIGHT, TIJUANA_OFFICE, TIJUANA_NIGHT, ALWAYS]


# --- hand-computed cases --------------------------------------------------------------------------

def test_friday_1755_on_a_9_to_18_calendar():
    friday = datetime(2026, 11, 20, 17, 55, tzinfo=CDMX)  # Monday the 23rd is a working day
    assert OFFICE.add(friday, 5) == datetime(2026, 11, 20, 18, 0, tzinfo=CDMX)
    assert OFFICE.add(friday, 6) == datetime(2026, 11, 23, 9, 1, tzinfo=CDMX)
    assert OFFICE.add(friday, 60) == datetime(2026, 11, 23, 9, 55, tzinfo=CDMX)
    assert OFFICE.add(friday, 9 * 60) == datetime(2026, 11, 23, 17, 55, tzinfo=CDMX)


def test_movable_monday_holidays_are_closed():
    # Revolution Day 2026 is Monday 16 November (third Monday); Constitution Day Monday 2 February.
    friday = datetime(2026, 11, 13, 17, 0, tzinfo=CDMX)
    assert OFFICE.add(friday, 120) == datetime(2026, 11, 17, 10, 0, tzinfo=CDMX)
    assert OFFICE.between(datetime(2026, 2, 2, 9, tzinfo=CDMX), datetime(2026, 2, 2, 18, tzinfo=CDMX)) == 0
    assert OFFICE.next_opening(datetime(2026, 3, 16, 12, tzinfo=CDMX)) == datetime(2026, 3, 17, 9, tzinfo=CDMX)


def test_lunch_break_and_admin_closure():
    assert LUNCH.add(datetime(2026, 6, 1, 13, 30, tzinfo=CDMX), 60) == datetime(2026, 6, 1, 15, 30, tzinfo=CDMX)
    assert LUNCH.between(datetime(2026, 6, 1, 0, tzinfo=CDMX), datetime(2026, 6, 2, 0, tzinfo=CDMX)) == 8 * 60
    # Thursday 24 December 2026 is the admin's closure, Friday 25 a holiday.
    assert LUNCH.add(datetime(2026, 12, 23, 17, 30, tzinfo=CDMX), 60) == datetime(2026, 12, 28, 9, 30, tzinfo=CDMX)


def test_night_shift_past_midnight_belongs_to_its_start_day():
    # Monday–Friday 22:00–06:00: Friday's shift ends Saturday 06:00; nothing starts on Saturday or Sunday.
    friday_night = datetime(2026, 6, 5, 23, 0, tzinfo=CDMX)
    assert NIGHT.add(friday_night, 7 * 60) == datetime(2026, 6, 6, 6, 0, tzinfo=CDMX)
    assert NIGHT.add(friday_night, 7 * 60 + 1) == datetime(2026, 6, 8, 22, 1, tzinfo=CDMX)
    assert NIGHT.is_open(datetime(2026, 6, 6, 5, 59, tzinfo=CDMX))
    assert not NIGHT.is_open(datetime(2026, 6, 6, 22, 30, tzinfo=CDMX))


def test_tijuana_dst_days_are_exact():
    # 2026: DST starts Sunday 8 March (02:00 -> 03:00), ends Sunday 1 November (02:00 -> 01:00).
    def day(d: date) -> tuple[datetime, datetime]:  # local midnight to the next local midnight
        return datetime(d.year, d.month, d.day, tzinfo=TIJUANA), datetime(d.year, d.month, d.day + 1, tzinfo=TIJUANA)

    assert TIJUANA_OFFICE.between(*day(date(2026, 3, 8))) == 23 * 60
    assert TIJUANA_OFFICE.between(*day(date(2026, 11, 1))) == 25 * 60
    assert TIJUANA_OFFICE.between(*day(date(2026, 6, 1))) == 24 * 60
    # The night shift from Saturday 7 March 22:00 to Sunday 06:00 loses its 02:00 hour.
    saturday = datetime(2026, 3, 7, 22, 0, tzinfo=TIJUANA)
    assert TIJUANA_NIGHT.between(saturday, datetime(2026, 3, 8, 6, 0, tzinfo=TIJUANA)) == 7 * 60
    assert TIJUANA_NIGHT.add(saturday, 7 * 60) == datetime(2026, 3, 8, 6, 0, tzinfo=TIJUANA)
    fall = datetime(2026, 10, 31, 22, 0, tzinfo=TIJUANA)
    assert TIJUANA_NIGHT.between(fall, datetime(2026, 11, 1, 6, 0, tzinfo=TIJUANA)) == 9 * 60


def test_results_keep_the_callers_time_zone():
    utc_start = datetime(2026, 11, 20, 23, 55, tzinfo=UTC)  # 17:55 in Mexico City
    due = OFFICE.add(utc_start, 60)
    assert due.tzinfo == UTC and due == datetime(2026, 11, 23, 15, 55, tzinfo=UTC)


@pytest.mark.parametrize(
    ("hours", "zone", "error"),
    [
        ({}, "America/Mexico_City", NoOpenTime),
        ({0: ()}, "America/Mexico_City", NoOpenTime),
        (weekdays(("09:00", "18:00")), "Mars/Olympus", CalendarError),
        ({7: (Interval(0, 60),)}, "UTC", CalendarError),
    ],
)
def test_impossible_calendars_are_refused(hours, zone, error):
    with pytest.raises(error):
        BusinessCalendar(time_zone=zone, hours=hours)


@pytest.mark.parametrize(("start", "end"), [("9:00", "9:00"), ("25:00", "26:00"), ("09:60", "10:00"), ("nine", "ten"), ("24:00", "10:00")])
def test_malformed_intervals_are_refused(start, end):
    with pytest.raises(CalendarError):
        Interval.parse(start, end)


def test_interval_forms():
    assert Interval.parse("09:00", "24:00") == Interval(540, 1440)
    assert Interval.parse("22:00", "06:00") == Interval(1320, 1800)


def test_too_much_time_is_a_clear_error_not_a_loop():
    with pytest.raises(NoOpenTime):
        OFFICE.add(datetime(2026, 1, 1, tzinfo=UTC), 10**9)


# --- laws -----------------------------------------------------------------------------------------

instants = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2029, 12, 31), timezones=st.just(UTC))
calendars = st.sampled_from(CALENDARS)


@settings(max_examples=300, deadline=None)
@given(calendars, instants, st.integers(min_value=0, max_value=60 * 24 * 30))
def test_between_undoes_add(calendar, start, minutes):
    assert calendar.between(start, calendar.add(start, minutes)) == minutes


@settings(max_examples=300, deadline=None)
@given(calendars, instants, st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=10_000))
def test_add_is_monotonic_and_additive(calendar, start, a, b):
    first, second = calendar.add(start, min(a, b)), calendar.add(start, max(a, b))
    assert first <= second
    assert calendar.add(calendar.add(start, a), b) == calendar.add(start, a + b)


@settings(max_examples=200, deadline=None)
@given(calendars, instants, instants)
def test_between_is_antisymmetric_and_bounded_by_real_time(calendar, x, y):
    assert calendar.between(x, y) == -calendar.between(y, x)
    assert abs(calendar.between(x, y)) <= abs(y - x) / timedelta(minutes=1)


@settings(max_examples=200, deadline=None)
@given(calendars, instants, st.integers(min_value=1, max_value=5000))
def test_closed_time_adds_nothing(calendar, start, minutes):
    opening = calendar.next_opening(start)
    assert calendar.between(start, opening) == 0
    assert calendar.add(start, minutes) == calendar.add(opening, minutes)
    assert calendar.is_open(opening)


# --- bounded work (hardening issue, item 6) ---------------------------------------------------------

def test_a_calendar_keeps_few_years_whatever_it_is_asked():
    calendar = BusinessCalendar(time_zone="America/Mexico_City", hours=weekdays(("09:00", "18:00")), holidays=mexican_holidays)
    for year in (2026, 1901, 2199, 1950, 2100, 2027):
        start = datetime(year, 3, 2, 12, tzinfo=UTC)
        assert calendar.between(start, start + timedelta(days=7)) == 5 * 9 * 60
        first, last = calendar._years
        assert last - first + 1 <= 12
    # The last question, far from the one before, started afresh around its own year.
    assert calendar._years == (2026, 2028)


@pytest.mark.parametrize("instant", [datetime(1899, 12, 31, 23, tzinfo=UTC), datetime(2200, 1, 1, tzinfo=UTC),
                                     datetime(1, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, tzinfo=UTC)])
def test_instants_outside_the_supported_years_are_a_calendar_error(instant):
    inside = datetime(2026, 1, 1, tzinfo=UTC)
    for call in (lambda: OFFICE.add(instant, 60), lambda: OFFICE.between(instant, inside),
                 lambda: OFFICE.between(inside, instant), lambda: OFFICE.next_opening(instant)):
        with pytest.raises(CalendarError, match="1900 to 2199"):
            call()


def test_between_counts_across_at_most_thirty_years():
    start = datetime(2000, 1, 1, tzinfo=UTC)
    assert ALWAYS.between(start, datetime(2030, 12, 31, tzinfo=UTC)) == (start.replace(year=2030, month=12, day=31) - start).days * 1440
    with pytest.raises(CalendarError, match="30 years"):
        ALWAYS.between(start, datetime(2031, 1, 1, tzinfo=UTC))
    with pytest.raises(CalendarError, match="30 years"):
        ALWAYS.between(datetime(2031, 1, 1, tzinfo=UTC), start)
