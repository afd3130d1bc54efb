"""Figures computed from a ticket's event history (pure: no database).

A history is the ticket's metric events in order, as `Fact`s; the reports and the tests build
them the same way (the tests by hand). Definitions (docs/decisions/0036-outcomes-and-csat.md):

- really solved: the ticket's last solve ended in solved or a workaround, was not reopened
  within `days` days, and the survey of that episode (if answered) was not negative (≤ 2).
  Unknown (None) while the `days` have not passed and nothing has decided it yet.
- first-contact resolution: solved the first time with exactly one public reply by an agent,
  the customer writing nothing after that reply, and never reopened.
- reopen rate: of the tickets solved at least once, the share reopened at least once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

NEGATIVE_RATING = 2  # ratings at or below this (of 1–5) are negative
SOLVING = frozenset({"solved", "workaround"})


@dataclass(frozen=True)
class Fact:
    kind: str  # an EventKind value
    at: datetime
    episode: int = 0
    outcome: str = ""  # on "solved": the outcome given (may be empty)
    rating: int | None = None  # on "survey_answered"


def _solves(history: Sequence[Fact]) -> list[Fact]:
    return [fact for fact in history if fact.kind == "solved"]


def really_solved(history: Sequence[Fact], *, now: datetime, days: int) -> bool | None:
    solves = _solves(history)
    if not solves:
        return False
    last = solves[-1]
    if any(f.kind == "reopened" and f.at > last.at for f in history):
        return False  # reopened after its last solve: not solved now, whenever that was
    if last.outcome not in SOLVING:
        return False
    ratings = [f.rating for f in history if f.kind == "survey_answered" and f.episode == last.episode]
    if ratings and ratings[-1] is not None and ratings[-1] <= NEGATIVE_RATING:
        return False
    if now - last.at < timedelta(days=days):
        return None  # may still be reopened
    return True


def first_contact_resolution(history: Sequence[Fact]) -> bool:
    solves = _solves(history)
    if not solves or any(f.kind == "reopened" for f in history):
        return False
    first_solve = solves[0]
    if first_solve.outcome and first_solve.outcome not in SOLVING:
        return False
    before = [f for f in history if f.at <= first_solve.at]
    replies = [f for f in before if f.kind in ("first_reply", "reply")]
    if len(replies) != 1:
        return False
    return not any(f.kind == "customer_reply" and f.at > replies[0].at for f in before)


def was_reopened(history: Sequence[Fact]) -> bool:
    return any(f.kind == "reopened" for f in history)


def reopen_rate(histories: Iterable[Sequence[Fact]]) -> float | None:
    """Share of the solved tickets reopened at least once; None when none was solved."""
    solved = [h for h in histories if _solves(h)]
    if not solved:
        return None
    return sum(1 for h in solved if was_reopened(h)) / len(solved)


def rate(histories: Iterable[Sequence[Fact]], figure, **kwargs) -> float | None:
    """Share of the tickets for which `figure` is True, of those where it is known."""
    known = [value for value in (figure(h, **kwargs) for h in histories) if value is not None]
    return sum(1 for value in known if value) / len(known) if known else None
