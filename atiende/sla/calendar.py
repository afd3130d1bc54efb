"""Business-calendar arithmetic (pure: no ORM).

A calendar is weekly opening intervals in local wall time, in one IANA time zone, minus closed
dates (statutory holidays from the `holidays` package and the admin's own closures). An interval
is `[start, end)` in minutes after local midnight; an end earlier than its start runs past
midnight and belongs to the day it starts on (so a holiday closes the night shift that starts on
it, not the one that ends on it).

Business time is real elapsed time inside open spans, so DST days are exact: a 9:00–18:00 day
that loses an hour at 02:00 still has 9 open hours, and a night shift across the change has one
hour less (or more).

Speed: the calendar is expanded, a year at a time and only when needed, into sorted UTC spans in
integer microseconds with the open time accumulated before each span. `add` and `between` are
then two binary searches, a few microseconds each.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.translation import gettext as _

MINUTES_PER_DAY = 24 * 60
US_PER_MINUTE = 60_000_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_US = timedelta(microseconds=1)
# Searching further than this for open time means the calendar has none (not an endless loop).
MAX_YEARS_AHEAD = 5
# The years a calendar answers for: enough for any ticket, and far from datetime's limits (the
# expansion reaches a year either side). A question outside them is a CalendarError.
MIN_YEAR, MAX_YEAR = 1900, 2199
# `between` counts across at most this many years (each is expanded into spans, ~50 KB a year
# for office hours); the API asks for five at most, the SLA clocks for as long as one has run.
MAX_BETWEEN_YEARS = 30
# A calendar kept in the process holds at most this many years of spans: asking about a year
# far from those it knows starts afresh around that year instead of expanding all in between
# (1000..9000 once cost 21 s and 845 MB).
MAX_EXPANDED_YEARS = 12


class CalendarError(ValueError):
    """The calendar definition cannot work; the message says why."""


class NoOpenTime(CalendarError):
    """The calendar has no open time where some was needed."""


@dataclass(frozen=True)
class Interval:
    start: int  # minutes after local midnight, 0..1439
    end: int  # minutes after local midnight of the same day; > 1440 runs into the next day

    @classmethod
    def parse(cls, start: str, end: str) -> Interval:
        """From "HH:MM" strings; "24:00" may end a day; an end before the start runs past midnight."""
        first, last = _minutes(start, allow_24=False), _minutes(end, allow_24=True)
        if first == last:
            raise CalendarError(_("The interval %(start)s–%(end)s is empty.") % {"start": start, "end": end})
        return cls(first, last if last > first else last + MINUTES_PER_DAY)


def _minutes(text: str, *, allow_24: bool) -> int:
    try:
        hours, minutes = (int(part) for part in text.split(":"))
    except (AttributeError, ValueError):
        raise CalendarError(_("%(text)s is not a time of day as HH:MM.") % {"text": repr(text)}) from None
    if (hours, minutes) == (24, 0) and allow_24:
        return MINUTES_PER_DAY
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise CalendarError(_("%(text)s is not a time of day as HH:MM.") % {"text": repr(text)})
    return hours * 60 + minutes


def _to_us(instant: datetime) -> int:
    if instant.tzinfo is None:
        raise CalendarError(_("Instants must carry a time zone."))
    return (instant - EPOCH) // ONE_US


def check_supported(instant: datetime) -> None:
    """CalendarError unless `instant` falls in MIN_YEAR..MAX_YEAR (in UTC)."""
    if not _SUPPORTED_US[0] <= _to_us(instant) < _SUPPORTED_US[1]:
        raise CalendarError(
            _("Business calendars work with dates from %(first)s to %(last)s.") % {"first": MIN_YEAR, "last": MAX_YEAR}
        )


def _from_us(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


_SUPPORTED_US = (_to_us(datetime(MIN_YEAR, 1, 1, tzinfo=UTC)), _to_us(datetime(MAX_YEAR + 1, 1, 1, tzinfo=UTC)))


class BusinessCalendar:
    """Open hours in a time zone. Weekdays are 0 (Monday) to 6 (Sunday)."""

    def __init__(
        self,
        *,
        time_zone: str,
        hours: Mapping[int, Sequence[Interval]],
        closed_dates: Collection[date] = (),
        holidays: Callable[[int], Iterable[date]] | None = None,
    ):
        try:
            self.zone = ZoneInfo(time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise CalendarError(_("%(zone)s is not a known IANA time zone.") % {"zone": repr(time_zone)}) from None
        if set(hours) - set(range(7)):
            raise CalendarError(_("Weekdays are numbered 0 (Monday) to 6 (Sunday)."))
        self.hours = {day: tuple(sorted(hours.get(day, ()), key=lambda i: i.start)) for day in range(7)}
        if not any(self.hours.values()):
            raise NoOpenTime(_("The calendar has no open hours on any day."))
        self.closed_dates = frozenset(closed_dates)
        self._holidays = holidays
        self._years: tuple[int, int] | None = None  # [first, last] expanded
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._before: list[int] = []  # open microseconds before span i

    @classmethod
    def always_open(cls) -> BusinessCalendar:
        """The built-in 24/7 calendar."""
        return cls(time_zone="UTC", hours={day: (Interval(0, MINUTES_PER_DAY),) for day in range(7)})

    # --- public arithmetic ---------------------------------------------------------------------

    def add(self, start: datetime, minutes: int | float) -> datetime:
        """The instant `minutes` business minutes after `start` (`start` itself for 0)."""
        if minutes < 0:
            raise CalendarError(_("Add a positive number of minutes."))
        if minutes == 0:
            return start
        check_supported(start)
        origin = _to_us(start)
        self._cover(origin, origin)
        target = self._open_before(origin) + round(minutes * US_PER_MINUTE)
        while self._open_total() < target:
            self._grow(origin)
        i = bisect.bisect_left(self._before, target) - 1  # the span in which `target` is reached
        return _from_us(self._starts[i] + target - self._before[i]).astimezone(start.tzinfo)

    def between(self, start: datetime, end: datetime) -> float:
        """Business minutes from `start` to `end` (negative when `end` is earlier)."""
        check_supported(start)
        check_supported(end)
        first, last = _to_us(start), _to_us(end)
        if last < first:
            return -self.between(end, start)
        if _year_of(last) - _year_of(first) > MAX_BETWEEN_YEARS:
            raise CalendarError(_("Count across at most %(years)s years.") % {"years": MAX_BETWEEN_YEARS})
        self._cover(first, last)  # both at once: covering one may shift the offsets the other uses
        return (self._open_before(last) - self._open_before(first)) / US_PER_MINUTE

    def next_opening(self, instant: datetime) -> datetime:
        """`instant` when open, else the start of the next open span."""
        check_supported(instant)
        us = _to_us(instant)
        self._cover(us, us)
        i = bisect.bisect_right(self._starts, us) - 1
        if i >= 0 and us < self._ends[i]:
            return instant
        while i + 1 >= len(self._starts):
            self._grow(us)
        return _from_us(self._starts[i + 1]).astimezone(instant.tzinfo)

    def is_open(self, instant: datetime) -> bool:
        return self.next_opening(instant) == instant

    def open_spans(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """The open spans meeting [start, end), clipped to it, as UTC instants (appointment slots)."""
        check_supported(start)
        check_supported(end)
        first, last = _to_us(start), _to_us(end)
        if last <= first:
            return []
        self._cover(first, last)
        i = max(bisect.bisect_right(self._starts, first) - 1, 0)
        spans = []
        while i < len(self._starts) and self._starts[i] < last:
            if self._ends[i] > first:
                spans.append((_from_us(max(self._starts[i], first)), _from_us(min(self._ends[i], last))))
            i += 1
        return spans

    # --- expansion into UTC spans ------------------------------------------------------------------

    def _open_before(self, us: int) -> int:
        """Open microseconds from the start of the expanded range to `us` (call after _cover)."""
        i = bisect.bisect_right(self._starts, us) - 1
        if i < 0:
            return 0
        return self._before[i] + min(us, self._ends[i]) - self._starts[i]

    def _open_total(self) -> int:
        return self._before[-1] + self._ends[-1] - self._starts[-1] if self._starts else 0

    def _cover(self, first_us: int, last_us: int) -> None:
        """Expand so that the years from `first_us` to `last_us` and their neighbours are known;
        keep the years already known only while the whole stays within MAX_EXPANDED_YEARS."""
        first, last = _year_of(first_us) - 1, _year_of(last_us) + 1
        if self._years is not None and self._years[0] <= first and last <= self._years[1]:
            return
        if self._years is not None:
            wider = min(first, self._years[0]), max(last, self._years[1])
            if wider[1] - wider[0] + 1 <= MAX_EXPANDED_YEARS:
                first, last = wider
        self._expand(first, last)

    def _grow(self, origin: int) -> None:
        """One more year ahead, within MAX_YEARS_AHEAD of `origin` (never an endless search)."""
        assert self._years is not None
        if self._years[1] + 1 - _year_of(origin) > MAX_YEARS_AHEAD:
            raise NoOpenTime(_("The calendar has not enough open time within %(years)s years.") % {"years": MAX_YEARS_AHEAD})
        self._expand(self._years[0], self._years[1] + 1)

    def _expand(self, first: int, last: int) -> None:
        spans = _merged(self._spans(first, last))
        self._starts = [s for s, _ in spans]
        self._ends = [e for _, e in spans]
        self._before, total = [], 0
        for s, e in spans:
            self._before.append(total)
            total += e - s
        self._years = (first, last)

    def _spans(self, first: int, last: int) -> Iterable[tuple[int, int]]:
        closed = set(self.closed_dates)
        if self._holidays is not None:
            for year in range(first - 1, last + 1):
                closed.update(self._holidays(year))
        day = date(first, 1, 1) - timedelta(days=1)  # the night shift that starts on Dec 31
        stop = date(last, 12, 31)
        while day <= stop:
            if day not in closed:
                midnight = datetime(day.year, day.month, day.day)
                for interval in self.hours[day.weekday()]:
                    yield (
                        _local_us(midnight + timedelta(minutes=interval.start), self.zone),
                        _local_us(midnight + timedelta(minutes=interval.end), self.zone),
                    )
            day += timedelta(days=1)


def _local_us(wall: datetime, zone: ZoneInfo) -> int:
    """Microseconds since the epoch of a local wall time (fold=0: the first of a repeated hour;
    a wall time skipped by a DST jump maps to the instant it would have had before the jump)."""
    return _to_us(wall.replace(tzinfo=zone))


def _merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    result: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if end <= start:
            continue  # an interval that DST removed entirely
        if result and start <= result[-1][1]:
            result[-1] = (result[-1][0], max(result[-1][1], end))
        else:
            result.append((start, end))
    return result


def _year_of(us: int) -> int:
    return _from_us(us).year


def mexican_holidays(year: int) -> list[date]:
    """Statutory rest days of Mexico (LFT art. 74), movable Mondays included."""
    import holidays

    return list(holidays.country_holidays("MX", years=year))


WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_weekly_hours(data: object) -> dict[int, tuple[Interval, ...]]:
    """`{"mon": [["09:00", "14:00"], ["15:00", "18:00"]], …, "sun": []}` → intervals per weekday.

    Missing days are closed. Raises CalendarError naming the day and interval at fault.
    """
    if not isinstance(data, dict):
        raise CalendarError(_('Hours must be an object such as {"mon": [["09:00", "18:00"]]}.'))
    unknown = set(data) - set(WEEKDAY_KEYS)
    if unknown:
        raise CalendarError(
            _("Unknown days: %(days)s. Use %(keys)s.") % {"days": ", ".join(sorted(unknown)), "keys": ", ".join(WEEKDAY_KEYS)}
        )
    result: dict[int, tuple[Interval, ...]] = {}
    for index, key in enumerate(WEEKDAY_KEYS):
        pairs = data.get(key) or []
        if not isinstance(pairs, list) or not all(isinstance(p, list | tuple) and len(p) == 2 for p in pairs):
            raise CalendarError(_("%(day)s: give a list of [start, end] pairs.") % {"day": key})
        try:
            result[index] = tuple(Interval.parse(str(a), str(b)) for a, b in pairs)
        except CalendarError as exc:
            raise CalendarError(f"{key}: {exc}") from None  # the day key, then the translated reason
    return result


def format_weekly_hours(hours: dict[int, tuple[Interval, ...]]) -> dict[str, list[list[str]]]:
    def clock(minutes: int) -> str:
        if minutes == MINUTES_PER_DAY:
            return "24:00"
        minutes %= MINUTES_PER_DAY  # a night shift's end is stored past midnight
        return f"{minutes // 60:02d}:{minutes % 60:02d}"

    return {WEEKDAY_KEYS[d]: [[clock(i.start), clock(i.end)] for i in hours.get(d, ())] for d in range(7)}
