"""Reads for appointment types, free slots and booked appointments, each checked for the viewer."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import BigIntegerField, Exists, Func, Q, QuerySet

from atiende.accounts.models import User, UserKind
from atiende.accounts.permissions import is_staff_agent
from atiende.core import clock
from atiende.core.db import is_id
from atiende.core.exceptions import NotFound
from atiende.routing.models import AgentProfile
from atiende.sla.calendar import BusinessCalendar, Interval, mexican_holidays
from atiende.sla.selectors import arithmetic_for
from atiende.tickets.models import Ticket

from .models import Absence, Appointment, AppointmentStatus, AppointmentType
from .permissions import appointment_scope, can_manage_types, type_scope
from .slots import AgentTime, Rules, Slot, free_slots

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Longest stretch one slots question may cover (the API's `from`..`to`).
MAX_RANGE = timedelta(days=62)
# Office hours for agents with no shift and types with no calendar.
DEFAULT_CALENDAR = BusinessCalendar(time_zone="America/Mexico_City",
                                    hours={day: (Interval(9 * 60, 18 * 60),) for day in range(5)},
                                    holidays=mexican_holidays)


class Epoch(Func):
    """Whole seconds since 1970 of a datetime column, computed by the database: a month of a
    team's appointments is read as integers, not thousands of parsed datetimes (bench_slots)."""

    template = "CAST(EXTRACT(EPOCH FROM %(expressions)s) AS BIGINT)"
    output_field = BigIntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="CAST(ROUND((julianday(%(expressions)s) - 2440587.5) * 86400) AS INTEGER)",
                           **extra)


def seconds(instant: datetime) -> int:
    return int((instant - EPOCH).total_seconds())


def instant(value: int) -> datetime:
    return EPOCH + timedelta(seconds=value)


# --- types --------------------------------------------------------------------------------------

def type_list(*, user: User) -> QuerySet[AppointmentType]:
    return AppointmentType.objects.filter(type_scope(user)).select_related("team")


def type_get(*, user: User, type_id: Any) -> AppointmentType:
    found = type_list(user=user).filter(pk=type_id).first() if is_id(type_id) else None
    if found is None:
        raise NotFound()
    return found


def agents_of(kind: AppointmentType) -> list[int]:
    """Ids of who gives this type: its agents if named, else its team's members (active agents only)."""
    named = kind.agents.through.objects.filter(appointmenttype_id=kind.pk)
    chosen = Q(pk__in=named.values("user_id")) | (Q(teams=kind.team_id) & ~Exists(named))  # one query
    return list(User.objects.filter(chosen, is_active=True, kind=UserKind.AGENT).distinct().order_by("pk")
                .values_list("pk", flat=True))


# --- slots --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime


def bookable_window(kind: AppointmentType, start: datetime, end: datetime, now: datetime) -> Window:
    """[start, end) cut to what the type allows from `now`: its notice and how far ahead."""
    return Window(max(start, now + timedelta(minutes=kind.min_notice_minutes)),
                  min(end, now + timedelta(days=kind.max_days_ahead)))


def rules_of(kind: AppointmentType) -> Rules:
    return Rules(minutes=kind.minutes * 60, seats=kind.seats, before=kind.buffer_before * 60,
                 after=kind.buffer_after * 60, step=kind.step_minutes * 60)


def agent_times(kind: AppointmentType, ids: list[int], window: Window, *, ignore: int | None = None) -> list[AgentTime]:
    """Each agent's open spans in the window and what they hold around it (`ignore`: an
    appointment being rescheduled, whose own time is free for it)."""
    # Holds reach out by their buffers (at most 4 hours each side) and a slot by its length.
    margin = timedelta(minutes=2 * 240 + kind.minutes)
    shifts = {p.agent_id: p.shift for p in AgentProfile.objects.filter(agent_id__in=ids, shift__isnull=False).select_related("shift")}
    fallback = arithmetic_for(kind.calendar) if kind.calendar_id else DEFAULT_CALENDAR
    held: dict[int, list[tuple[int, int]]] = {pk: [] for pk in ids}
    sessions: dict[int, Counter] = {pk: Counter() for pk in ids}
    booked = (Appointment.objects.filter(agent_id__in=ids, status=AppointmentStatus.BOOKED,
                                         start__lt=window.end + margin, end__gt=window.start - margin)
              .exclude(pk=ignore).values_list("agent_id", "type_id", Epoch("start"), Epoch("end"), "buffer_before",
                                              "buffer_after"))
    for agent_id, type_id, start, end, before, after in booked:
        held[agent_id].append((start - before * 60, end + after * 60))
        if type_id == kind.pk:
            sessions[agent_id][start] += 1
    for agent_id, start, end in Absence.objects.filter(agent_id__in=ids, start__lt=window.end + margin,
                                                        end__gt=window.start - margin).values_list(
                                                            "agent_id", Epoch("start"), Epoch("end")):
        held[agent_id].append((start, end))
    times = []
    for pk in ids:
        calendar = arithmetic_for(shifts[pk]) if pk in shifts else fallback
        # From a day before the window: a span cut at the window's start would put the grid on
        # "now plus notice" (10:07:31) instead of on opening time.
        spans = [(seconds(a), seconds(b)) for a, b in calendar.open_spans(window.start - timedelta(days=1),
                                                                         window.end + margin)]
        times.append(AgentTime(pk, spans, held[pk], dict(sessions[pk])))
    return times


def slot_list(*, user: User, kind: AppointmentType, start: datetime, end: datetime,
              now: datetime | None = None, ignore: int | None = None) -> list[Slot]:
    """The free slots of `kind` starting in [start, end) (at most MAX_RANGE), as the viewer may book them."""
    window = bookable_window(kind, start, min(end, start + MAX_RANGE), now or clock.now())
    if window.end <= window.start:
        return []
    agents = agents_of(kind)
    return free_slots(agent_times(kind, agents, window, ignore=ignore), rules_of(kind),
                      window_start=seconds(window.start), window_end=seconds(window.end))


def next_slots(*, user: User, kind: AppointmentType, after: datetime, count: int = 5,
               now: datetime | None = None) -> list[Slot]:
    """The first `count` free slots from `after` (what to offer when a slot was just taken)."""
    found: list[Slot] = []
    start = after
    for _ in range(4):  # four weeks at most
        found += slot_list(user=user, kind=kind, start=start, end=start + timedelta(days=7), now=now)
        if len(found) >= count:
            break
        start += timedelta(days=7)
    return found[:count]


# --- appointments -------------------------------------------------------------------------------

def appointment_list(*, user: User) -> QuerySet[Appointment]:
    return (Appointment.objects.filter(appointment_scope(user))
            .select_related("type", "agent", "ticket", "customer"))


def appointment_get(*, user: User, appointment_id: Any) -> Appointment:
    found = appointment_list(user=user).filter(pk=appointment_id).first() if is_id(appointment_id) else None
    if found is None:
        raise NotFound()
    return found


def ticket_appointments(*, user: User, ticket: Ticket) -> QuerySet[Appointment]:
    return appointment_list(user=user).filter(ticket=ticket)


def upcoming_for_customer(*, user: User, now: datetime | None = None) -> QuerySet[Appointment]:
    """"My appointments": booked ones not yet over, then the rest, newest first."""
    now = now or clock.now()
    return appointment_list(user=user).filter(Q(status=AppointmentStatus.BOOKED, end__gt=now))


def past_for_customer(*, user: User, now: datetime | None = None) -> QuerySet[Appointment]:
    now = now or clock.now()
    return appointment_list(user=user).exclude(Q(status=AppointmentStatus.BOOKED, end__gt=now)).order_by("-start")[:20]


def calendar_list(*, user: User, start: datetime, end: datetime, team_id: int | None = None) -> QuerySet[Appointment]:
    """Booked and missed appointments in [start, end) the viewer may see, optionally of one team's types."""
    rows = appointment_list(user=user).filter(start__lt=end, end__gt=start).exclude(status=AppointmentStatus.CANCELLED)
    return rows.filter(type__team_id=team_id) if team_id else rows



def _absences(user: User) -> QuerySet[Absence]:
    """Every agent's absences for supervisors and administrators, one's own for an agent."""
    if not is_staff_agent(user):
        return Absence.objects.none()
    found = Absence.objects.select_related("agent")
    return found if can_manage_types(user) else found.filter(agent=user)


def absence_list(*, user: User, now: datetime) -> QuerySet[Absence]:
    """The absences not over yet, soonest first."""
    return _absences(user).filter(end__gt=now).order_by("start", "id")


def absence_get(*, user: User, absence_id: Any) -> Absence:
    found = _absences(user).filter(pk=absence_id).first() if is_id(absence_id) else None
    if found is None:
        raise NotFound()
    return found
