"""How well the hour-of-week forecast (`atiende.reporting.forecast`) predicts a held-out week.

    .venv/bin/python bench/eval_forecast.py [--seeds 20]

Synthetic but realistic history, per channel (email, chat, phone): a Mexican helpdesk's week
(busy weekday mornings and afternoons, a lunch dip, quiet nights, thin weekends), Poisson noise,
and three traps:
- **trend**: volume grows 2 % a week (a product launch);
- **holidays**: the history (8 weeks from Monday 7 December 2026) holds Christmas and New Year's
  Day, on which arrivals fall to a fifth; the held-out week (1–7 February 2027) starts with
  Constitution Day (first Monday of February), which the forecast must know from the calendar;
- **spike**: an outage brings six times the usual phone and email volume for three hours on one
  Tuesday of the history.

The held-out week is drawn from the same process. Scores, per channel and overall:
- WAPE = Σ|forecast − actual| / Σ actual over the 168 hours (MAPE is undefined on hours with no
  arrivals, and dominated by nights when it is not);
- MAPE of the seven daily totals;
and the same for two baselines (last week repeated; the plain mean of the eight weeks) and for
the noise floor (the true expected values, which no forecast can beat on Poisson noise).
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from atiende.reporting.forecast import HOURS_PER_WEEK, forecast_week  # noqa: E402

START = date(2026, 12, 7)  # a Monday
WEEKS = 8
HOLIDAYS = {date(2026, 12, 25), date(2027, 1, 1), date(2027, 2, 1)}
HOLIDAY_FACTOR = 0.2
GROWTH = 0.02
SPIKE = (date(2027, 1, 12), range(10, 13), 6.0)  # a Tuesday, 10:00–13:00, ×6
# Arrivals per hour at the busiest weekday hour, per channel.
PEAKS = {"email": 40.0, "chat": 18.0, "phone": 12.0}


def weekday_curve(hour: int) -> float:
    """The shape of a weekday: 0 at night, peaks at 11:00 and 17:00, a dip at 14:00."""
    if hour < 7 or hour >= 22:
        return 0.04
    morning = math.exp(-((hour - 11) ** 2) / 6)
    afternoon = 0.8 * math.exp(-((hour - 17) ** 2) / 5)
    return max(0.08, morning + afternoon - 0.25 * math.exp(-((hour - 14) ** 2) / 1.5))


def expected(channel: str, day: date, hour: int, week: int) -> float:
    weekend = 0.3 if day.weekday() >= 5 else 1.0
    value = PEAKS[channel] * weekday_curve(hour) * weekend * (1 + GROWTH) ** week
    if day in HOLIDAYS:
        value *= HOLIDAY_FACTOR
    spike_day, spike_hours, spike_times = SPIKE
    if channel != "chat" and day == spike_day and hour in spike_hours:
        value *= spike_times
    return value


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method for small means, a rounded normal beyond (means here stay below 250)."""
    if mean > 60:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def hours_of(weeks: int, first_week: int = 0) -> list[tuple[date, int, int]]:
    return [(START + timedelta(days=7 * (first_week + w) + h // 24), h % 24, first_week + w)
            for w in range(weeks) for h in range(HOURS_PER_WEEK)]


def wape(forecast: list[float], actual: list[float]) -> float:
    return sum(abs(f - a) for f, a in zip(forecast, actual, strict=True)) / max(1.0, sum(actual))


def daily_mape(forecast: list[float], actual: list[float]) -> float:
    errors = [abs(sum(forecast[d * 24:(d + 1) * 24]) - sum(actual[d * 24:(d + 1) * 24])) / sum(actual[d * 24:(d + 1) * 24])
              for d in range(7)]
    return sum(errors) / 7


def evaluate(seed: int) -> dict[str, dict[str, tuple[float, float]]]:
    rng = random.Random(seed)
    past, held = hours_of(WEEKS), hours_of(1, WEEKS)
    history_flags = [day in HOLIDAYS for day, _, _ in past]
    next_flags = [day in HOLIDAYS for day, _, _ in held]
    scores: dict[str, dict[str, tuple[float, float]]] = {}
    for channel in PEAKS:
        counts = [float(poisson(rng, expected(channel, *slot))) for slot in past]
        truth = [expected(channel, *slot) for slot in held]
        actual = [float(poisson(rng, mean)) for mean in truth]
        ours = forecast_week(counts, history_holidays=history_flags, next_holidays=next_flags).hourly
        naive = counts[-HOURS_PER_WEEK:]
        mean = [sum(counts[w * HOURS_PER_WEEK + h] for w in range(WEEKS)) / WEEKS for h in range(HOURS_PER_WEEK)]
        scores[channel] = {name: (wape(values, actual), daily_mape(values, actual)) for name, values in
                           (("forecast", ours), ("last week", naive), ("8-week mean", mean), ("noise floor", truth))}
    return scores


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--seeds", type=int, default=20, help="independent histories to average over")
    seeds = args.parse_args().seeds
    runs = [evaluate(seed) for seed in range(seeds)]
    methods = ("forecast", "last week", "8-week mean", "noise floor")
    print(f"Held-out week 2027-02-01 (holiday Monday), {WEEKS} weeks of history, {seeds} seeds")
    print(f"{'channel':<8} " + " ".join(f"{m + ' WAPE':>18} {'daily MAPE':>10}" for m in methods))
    for channel in PEAKS:
        cells = []
        for method in methods:
            hourly = sum(run[channel][method][0] for run in runs) / seeds
            daily = sum(run[channel][method][1] for run in runs) / seeds
            cells.append(f"{hourly:>18.1%} {daily:>10.1%}")
        print(f"{channel:<8} " + " ".join(cells))
    overall = {m: (sum(run[c][m][0] for run in runs for c in PEAKS) / (seeds * len(PEAKS)),
                   sum(run[c][m][1] for run in runs for c in PEAKS) / (seeds * len(PEAKS))) for m in methods}
    print(f"{'all':<8} " + " ".join(f"{overall[m][0]:>18.1%} {overall[m][1]:>10.1%}" for m in methods))


if __name__ == "__main__":
    main()
