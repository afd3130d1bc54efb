"""Writes for service levels."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from atiende.accounts.models import User
from atiende.core import clock
from atiende.core.db import unique_or_conflict
from atiende.core.exceptions import Forbidden, Invalid
from atiende.core.jobs import enqueue_after_commit

from ..calendar import (
    BusinessCalendar,
    CalendarError,
    NoOpenTime,
    format_weekly_hours,
    parse_weekly_hours,
)
from ..models import Calendar
from ..permissions import can_edit_calendars

SUPPORTED_HOLIDAYS = {"MX"}


def calendar_fields_clean(*, time_zone: str, hours: object, holidays: str | None, closures: object) -> dict:
    """Normalized fields, or Invalid saying which one is wrong and why."""
    try:
        weekly = parse_weekly_hours(hours)
    except CalendarError as exc:
        raise Invalid(fields={"hours": str(exc)}) from None
    country = (holidays or "").upper()
    if country and country not in SUPPORTED_HOLIDAYS:
        raise Invalid(fields={"holidays": _("Use MX, or null for no public holidays.")})
    if not isinstance(closures, list):
        raise Invalid(fields={"closures": _("Give a list of dates as YYYY-MM-DD.")})
    try:
        closed = sorted({date.fromisoformat(str(day)) for day in closures})
    except ValueError:
        raise Invalid(fields={"closures": _("Give a list of dates as YYYY-MM-DD.")}) from None
    try:
        BusinessCalendar(time_zone=time_zone, hours=weekly, closed_dates=closed)
    except CalendarError as exc:
        field = "hours" if isinstance(exc, NoOpenTime) else "time_zone"
        raise Invalid(fields={field: str(exc)}) from None
    return {
        "time_zone": time_zone,
        "hours": format_weekly_hours(weekly),
        "holidays": country,
        "closures": [day.isoformat() for day in closed],
    }


def calendar_create(*, actor: User, name: str, time_zone: str, hours: object, holidays: str | None = "MX",
                    closures: object = ()) -> Calendar:
    if not can_edit_calendars(actor):
        raise Forbidden()
    name = " ".join((name or "").split())
    if not name:
        raise Invalid(fields={"name": _("This field is required.")})
    fields = calendar_fields_clean(time_zone=time_zone, hours=hours, holidays=holidays, closures=list(closures) if isinstance(closures, tuple) else closures)
    with unique_or_conflict(_("A calendar with this name already exists.")):
        return Calendar.objects.create(name=name, **fields)


def calendar_update(*, actor: User, calendar: Calendar, changes: dict) -> Calendar:
    if not can_edit_calendars(actor):
        raise Forbidden()
    merged = {
        "time_zone": changes.get("time_zone", calendar.time_zone),
        "hours": changes.get("hours", calendar.hours),
        "holidays": changes.get("holidays", calendar.holidays),
        "closures": changes.get("closures", calendar.closures),
    }
    for field, value in calendar_fields_clean(**merged).items():
        setattr(calendar, field, value)
    if "name" in changes:
        calendar.name = " ".join(str(changes["name"]).split()) or calendar.name
    calendar.updated_at = clock.now()
    with unique_or_conflict(_("A calendar with this name already exists.")):
        calendar.save()
    _retime_later(calendar)
    return calendar


def _retime_later(calendar: Calendar) -> None:
    """Running clocks on this calendar get their deadlines computed again once the change commits."""
    from ..tasks import reevaluate_tickets
    from .clocks import Reason

    enqueue_after_commit(reevaluate_tickets, reason=Reason.CALENDAR, calendar_id=calendar.pk)
