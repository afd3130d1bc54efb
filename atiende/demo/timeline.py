"""Opening-hours arithmetic for demo timestamps (pure: no database).

Times are aware datetimes. The arithmetic runs on Mexico City wall-clock time, which has had no
daylight saving since October 2022, so adding minutes to local times is exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

MEXICO_CITY = ZoneInfo("America/Mexico_City")


@dataclass(frozen=True)
class Window:
    """Opening hours per weekday, Monday first: (opening hour, closing hour), or None when closed."""

    hours: tuple[tuple[int, int] | None, ...]

    def __post_init__(self) -> None:
        if len(self.hours) != 7:
            raise ValueError("a window needs the hours of seven weekdays")


# When support agents work, and when customers write to them.
AGENT_HOURS = Window(((9, 19),) * 5 + ((10, 14), None))
CUSTOMER_HOURS = Window(((8, 22),) * 6 + ((10, 20),))


def _open_interval(window: Window, at: datetime) -> tuple[datetime, datetime]:
    """The opening interval that contains `at`, or else the next one (local, aware)."""
    for offset in range(8):
        day = at.date() + timedelta(days=offset)
        hours = window.hours[day.weekday()]
        if hours is None:
            continue
        opens = datetime.combine(day, time(hours[0]), tzinfo=MEXICO_CITY)
        closes = datetime.combine(day, time(hours[1]), tzinfo=MEXICO_CITY)
        if closes > at:
            return opens, closes
    raise ValueError("the window is never open")


def advance(start: datetime, minutes: float, window: Window) -> datetime:
    """`start` plus `minutes` of open time in `window` (UTC).

    A start outside the window first moves to its next opening, so `advance(t, 0, w)` is the
    first open instant at or after `t`.
    """
    at = start.astimezone(MEXICO_CITY)
    remaining = timedelta(minutes=minutes)
    while True:
        opens, closes = _open_interval(window, at)
        at = max(at, opens)
        if at + remaining <= closes:
            return (at + remaining).astimezone(UTC)
        remaining -= closes - at
        at = closes


def local(hour: int, minute: int, *, on: datetime) -> datetime:
    """The local time `hour:minute` on the Mexico City calendar day of `on` (UTC)."""
    day = on.astimezone(MEXICO_CITY).date()
    return datetime.combine(day, time(hour, minute), tzinfo=MEXICO_CITY).astimezone(UTC)


def latest_weekday(weekday: int, *, on_or_before: datetime) -> datetime:
    """Midnight (local, as UTC) of the last `weekday` (Monday=0) on or before that day."""
    day = on_or_before.astimezone(MEXICO_CITY).date()
    day -= timedelta(days=(day.weekday() - weekday) % 7)
    return datetime.combine(day, time(0), tzinfo=MEXICO_CITY).astimezone(UTC)
