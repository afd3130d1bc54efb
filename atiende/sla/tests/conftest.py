"""The two built-in calendars (seeded by migration) and November 2026 in Mexico City."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from atiende.sla.models import Calendar

CDMX = ZoneInfo("America/Mexico_City")


def cdmx(day: int, hour: int, minute: int = 0) -> datetime:
    """An instant of November 2026 given in Mexico City wall time, in UTC."""
    return datetime(2026, 11, day, hour, minute, tzinfo=CDMX).astimezone(UTC)


@pytest.fixture
def office() -> Calendar:
    return Calendar.objects.get(name="Horario de oficina (CDMX)")


@pytest.fixture
def always() -> Calendar:
    return Calendar.objects.get(name="24/7")
