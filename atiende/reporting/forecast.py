"""An hour-of-week forecast of arrivals from past weeks (pure: lists of numbers in, numbers out).

The model: arrivals in hour h of week w ≈ level(w) × share(h), where share is the week's shape
(168 shares summing to 1) and level the week's total.

- Holidays in the history are left out of the shape and the levels (their hours are not what a
  normal week looks like); a week with a holiday gets its level from its other hours.
- The shape of each hour is a trimmed mean across weeks of that hour's share of its week (the
  highest and lowest week dropped when there are four or more), so one week's spike (an outage
  that brought a flood of calls) does not become next week's forecast, and growth does not tilt
  the shape.
- The level is a straight line through the weekly levels fitted by Theil–Sen (the median of the
  slopes between every pair of weeks, then the median intercept): the recent trend, robust to one
  odd week. It is never below zero.
- Holidays in the forecast week are lowered by the ratio arrivals/expected measured on the
  history's holidays (DEFAULT_HOLIDAY_FACTOR without one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

HOURS_PER_WEEK = 168
# Without a holiday in the history to measure: arrivals on a public holiday are about a
# quarter of a normal day's in a business helpdesk (what our demo and bench histories show).
DEFAULT_HOLIDAY_FACTOR = 0.25
# Below this many expected arrivals on the history's holidays, their ratio is noise.
MIN_HOLIDAY_EXPECTED = 20.0


@dataclass(frozen=True)
class WeekForecast:
    hourly: list[float]  # 168 values, Monday 00:00 first, in the calendar's time zone
    level: float  # the forecast week's total before holidays
    trend_per_week: float  # the fitted change of the weekly total from one week to the next
    holiday_factor: float


def forecast_week(
    counts: Sequence[float], *, history_holidays: Sequence[bool], next_holidays: Sequence[bool], ahead: int = 1,
) -> WeekForecast:
    """Next week's arrivals per hour from whole past weeks.

    `counts` holds arrivals per hour, oldest first, starting on a Monday at 00:00, a multiple
    of 168 long; `history_holidays` flags its holiday hours; `next_holidays` the forecast
    week's (168), `ahead` weeks after the last one in `counts` (2 when the current week, not
    yet whole, lies between)."""
    weeks = len(counts) // HOURS_PER_WEEK
    if weeks == 0 or len(counts) != weeks * HOURS_PER_WEEK or len(history_holidays) != len(counts):
        raise ValueError("counts must be whole weeks with a holiday flag per hour")
    rows = [list(counts[w * HOURS_PER_WEEK:(w + 1) * HOURS_PER_WEEK]) for w in range(weeks)]
    off = [list(history_holidays[w * HOURS_PER_WEEK:(w + 1) * HOURS_PER_WEEK]) for w in range(weeks)]
    first = _shape(rows, off, [1.0] * weeks)
    if sum(first) <= 0:
        return WeekForecast([0.0] * HOURS_PER_WEEK, 0.0, 0.0, DEFAULT_HOLIDAY_FACTOR)
    levels = _levels(rows, off, first)
    shape = _shape(rows, off, [level or 1.0 for level in levels])
    levels = _levels(rows, off, shape)
    known = [(w, level) for w, level in enumerate(levels) if level is not None]
    slope, intercept = theil_sen(known)
    level = max(0.0, intercept + slope * (weeks - 1 + ahead))
    factor = _holiday_factor(rows, off, levels, shape)
    hourly = [level * share * (factor if next_holidays[h] else 1.0) for h, share in enumerate(shape)]
    return WeekForecast(hourly, level, slope, factor)


def _shape(rows: list[list[float]], off: list[list[bool]], levels: list[float]) -> list[float]:
    """Each hour's share of its week: a trimmed mean across the weeks where it was no holiday."""
    shares = []
    for h in range(HOURS_PER_WEEK):
        seen = sorted(rows[w][h] / levels[w] for w in range(len(rows)) if not off[w][h])
        if not seen:  # a holiday every week at this hour: take them as they are
            seen = sorted(rows[w][h] / levels[w] for w in range(len(rows)))
        shares.append(trimmed_mean(seen))
    total = sum(shares)
    return [share / total for share in shares] if total > 0 else shares


def _levels(rows: list[list[float]], off: list[list[bool]], shape: list[float]) -> list[float | None]:
    """Each week's total, its holiday hours filled in from the shape; None when holidays covered
    most of the week (nothing to scale from)."""
    levels: list[float | None] = []
    for row, flags in zip(rows, off, strict=True):
        covered = sum(share for share, holiday in zip(shape, flags, strict=True) if not holiday)
        seen = sum(value for value, holiday in zip(row, flags, strict=True) if not holiday)
        levels.append(seen / covered if covered >= 0.5 else None)
    return levels


def _holiday_factor(rows, off, levels, shape) -> float:
    actual = expected = 0.0
    for row, flags, level in zip(rows, off, levels, strict=True):
        if level is None:
            continue
        for h, holiday in enumerate(flags):
            if holiday:
                actual += row[h]
                expected += level * shape[h]
    if expected < MIN_HOLIDAY_EXPECTED:
        return DEFAULT_HOLIDAY_FACTOR
    return min(1.0, actual / expected)


def trimmed_mean(ordered: Sequence[float]) -> float:
    """The mean without the lowest and highest value once there are four or more (sorted input)."""
    if not ordered:
        return 0.0
    kept = ordered[1:-1] if len(ordered) >= 4 else ordered
    return sum(kept) / len(kept)


def theil_sen(points: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """(slope, intercept) of the Theil–Sen line; a flat line through one point; (0, 0) for none."""
    if not points:
        return 0.0, 0.0
    slopes = [(y2 - y1) / (x2 - x1) for i, (x1, y1) in enumerate(points) for x2, y2 in points[i + 1:] if x2 != x1]
    slope = median(slopes) if slopes else 0.0
    return slope, median(y - slope * x for x, y in points)
