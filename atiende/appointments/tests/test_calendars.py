"""Slots from agents' business calendars: shifts, DST, Mexican holidays, absences."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from atiende.appointments import selectors, services
from atiende.appointments.models import Absence
from atiende.core import clock
from atiende.routing.models import AgentProfile
from atiende.sla.services.calendars import calendar_create

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def border(world):
    """Agent 1 works a Tijuana shift, 9:00–11:00 every day (Tijuana keeps DST; holidays of Mexico)."""
    shift = calendar_create(actor=world.admin, name="Tijuana mañanas", time_zone="America/Tijuana",
                            hours={day: [["09:00", "11:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")})
    AgentProfile.objects.update_or_create(agent=world.agent1, defaults={"shift": shift})
    return services.type_create(actor=world.admin, name="Visita", kind="on_site", minutes=60, team=world.team1.pk,
                                min_notice_minutes=0, step_minutes=60)


def utc_starts(kind, start, days=1) -> list[str]:
    with clock.frozen_at(NOW):
        slots = selectors.slot_list(user=None, kind=kind, start=start, end=start + timedelta(days=days))
    return [selectors.instant(s.start).strftime("%m-%d %H:%M") for s in slots]


def test_slots_keep_local_hours_across_the_dst_change(world, border):
    # 14 March 2027: Tijuana moves from UTC−8 to UTC−7 at 2:00.
    saturday = datetime(2027, 3, 13, 8, 0, tzinfo=UTC)
    assert utc_starts(border, saturday, days=2) == ["03-13 17:00", "03-13 18:00", "03-14 16:00", "03-14 17:00"]


def test_no_slots_on_a_mexican_holiday(world, border):
    # Monday 15 March 2027 is the day of Benito Juárez's birth (third Monday of March).
    sunday = datetime(2027, 3, 14, 8, 0, tzinfo=UTC)
    assert utc_starts(border, sunday, days=3) == ["03-14 16:00", "03-14 17:00", "03-16 16:00", "03-16 17:00"]


def test_absences_take_time_off(world, border):
    Absence.objects.create(agent=world.agent1, start=datetime(2027, 3, 16, 16, 30, tzinfo=UTC),
                           end=datetime(2027, 3, 16, 17, 0, tzinfo=UTC), reason="Médico")
    tuesday = datetime(2027, 3, 16, 8, 0, tzinfo=UTC)
    assert utc_starts(border, tuesday) == ["03-16 17:00"]


def test_the_window_follows_notice_and_how_far_ahead(world, border):
    services.type_update(actor=world.admin, kind=border, changes={"min_notice_minutes": 60 * 24, "max_days_ahead": 2})
    assert utc_starts(border, NOW - timedelta(days=1), days=5) == ["03-02 17:00", "03-02 18:00"]  # a day of notice, two days ahead
    assert ZoneInfo("America/Tijuana")  # the zone exists in this tzdata
