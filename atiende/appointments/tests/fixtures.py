"""Times the appointments tests share (the `kinds` fixture is in conftest)."""

from __future__ import annotations

from datetime import UTC, datetime

NOW = datetime(2027, 1, 11, 15, 0, tzinfo=UTC)  # Monday 11 January 2027, 9:00 in Mexico City
TUESDAY_10 = "2027-01-12T10:00:00-06:00"
