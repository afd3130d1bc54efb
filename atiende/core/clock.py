"""The one injectable clock: every service asks here for "now" so tests can pin time."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime

from django.utils import timezone

_frozen: datetime | None = None


def now() -> datetime:
    """Current instant, timezone-aware, in UTC."""
    return _frozen if _frozen is not None else timezone.now()


@contextlib.contextmanager
def frozen_at(instant: datetime) -> Iterator[None]:
    """Pin `now()` for the duration of the block (tests, replays)."""
    global _frozen
    if timezone.is_naive(instant):
        raise ValueError("frozen_at needs an aware datetime")
    previous, _frozen = _frozen, instant
    try:
        yield
    finally:
        _frozen = previous
