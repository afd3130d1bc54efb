"""Writes for appointment types and appointments: validated once here for the API, the pages
and the demo; each checks who may do it.

Booking is serialised per agent: the transaction locks the rows of the agents who give the type
(in id order, so two bookings never wait on each other crosswise), recomputes the slot and takes
a seat. Two customers after the last seat of a slot therefore queue on the lock and the second
finds it gone (a Conflict carrying the next free slots); the unique (agent, start, seat)
constraint is the database's backstop (decision 0035)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from atiende.accounts.models import Team, User, UserKind
from atiende.accounts.permissions import is_staff_agent
from atiende.accounts.services import system_actor
from atiende.core import clock
from atiende.core.db import is_id
from atiende.core.exceptions import Conflict, Forbidden, Invalid, NotFound
from atiende.core.jobs import enqueue_after_commit
from atiende.customers.models import Customer
from atiende.customers.permissions import customer_of
from atiende.sla.models import Calendar
from atiende.tickets.models import Channel, Ticket
from atiende.tickets.permissions import can_edit_ticket, can_view_ticket
from atiende.tickets.services import ticket_create, ticket_update

from . import selectors
from .models import Absence, Appointment, AppointmentKind, AppointmentStatus, AppointmentType
from .permissions import can_change_appointment, can_manage_types, can_mark_no_show
from .slots import best_agent

TYPE_FIELDS = ("name", "kind", "minutes", "seats", "team", "agents", "calendar", "buffer_before", "buffer_after",
               "min_notice_minutes", "max_days_ahead", "step_minutes", "active")
LIMITS = {"minutes": (5, 480), "seats": (1, 200), "buffer_before": (0, 240), "buffer_after": (0, 240),
          "min_notice_minutes": (0, 60 * 24 * 30), "max_days_ahead": (1, 365), "step_minutes": (5, 240)}
DAY, HOUR = timedelta(days=1), timedelta(hours=1)
YEARS = (2000, 2199)  # instants asked about: far from datetime's limits, within the calendars' years


class SlotTaken(Conflict):
    code = "slot_taken"

    def __init__(self, next_slots: list[dict]):
        super().__init__(_("That time is no longer free. Choose another one."), fields={"next_slots": next_slots})
        self.next_slots = next_slots


# --- appointment types --------------------------------------------------------------------------

def _number(raw: Any, field: str) -> int:
    low, high = LIMITS[field]
    if not isinstance(raw, int) or isinstance(raw, bool) or not low <= raw <= high:
        raise Invalid(fields={field: _("Give a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}})
    return raw


def _clean_type(values: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for field, raw in values.items():
        if field == "name":
            name = " ".join(str(raw or "").split()) if isinstance(raw, str) else ""
            if not name or len(name) > 120:
                raise Invalid(fields={"name": _("Give a name of at most 120 characters.")})
            clean["name"] = name
        elif field == "kind":
            if raw not in AppointmentKind.values:
                raise Invalid(fields={"kind": _("Unknown kind.")})
            clean["kind"] = raw
        elif field == "team":
            clean["team"] = Team.objects.filter(pk=raw).first() if is_id(raw) else None
            if clean["team"] is None:
                raise Invalid(fields={"team": _("Unknown team.")})
        elif field == "calendar":
            clean["calendar"] = Calendar.objects.filter(pk=raw).first() if is_id(raw) else None
            if raw is not None and clean["calendar"] is None:
                raise Invalid(fields={"calendar": _("Unknown calendar.")})
        elif field == "agents":
            clean["agents"] = _agents(raw)
        elif field == "active":
            if not isinstance(raw, bool):
                raise Invalid(fields={"active": _("Use true or false.")})
            clean["active"] = raw
        elif field in LIMITS:
            clean[field] = _number(raw, field)
    return clean


def _agents(raw: Any) -> list[User]:
    if not isinstance(raw, list) or not all(is_id(pk) for pk in raw):
        raise Invalid(fields={"agents": _("Give a list of agent ids.")})
    found = list(User.objects.filter(pk__in=raw, kind=UserKind.AGENT, is_active=True))
    if len(found) != len(set(raw)):
        raise Invalid(fields={"agents": _("Some of these are not active agents.")})
    return found


def _check_type(kind: AppointmentType, agents: list[User] | None) -> None:
    if kind.seats > 1 and kind.kind != AppointmentKind.TRAINING:
        raise Invalid(fields={"seats": _("Only training sessions have more than one seat.")})
    if agents and any(not agent.teams.filter(pk=kind.team_id).exists() for agent in agents):
        raise Invalid(fields={"agents": _("Choose members of the type's team.")})


def type_create(*, actor: User, **values: Any) -> AppointmentType:
    if not can_manage_types(actor):
        raise Forbidden()
    missing = [name for name in ("name", "kind", "minutes", "team") if values.get(name) in (None, "")]
    if missing:
        raise Invalid(fields={name: _("This field is required.") for name in missing})
    clean = _clean_type({k: v for k, v in values.items() if k in TYPE_FIELDS})
    agents = clean.pop("agents", None)
    kind = AppointmentType(**clean)
    _check_type(kind, agents)
    if AppointmentType.objects.filter(name__iexact=kind.name).exists():
        raise Conflict(_("There is already an appointment type with that name."), fields={"name": _("Already in use.")})
    with transaction.atomic():
        kind.save()
        if agents:
            kind.agents.set(agents)
    return kind


def type_update(*, actor: User, kind: AppointmentType, changes: dict[str, Any]) -> AppointmentType:
    if not can_manage_types(actor):
        raise Forbidden()
    clean = _clean_type({k: v for k, v in changes.items() if k in TYPE_FIELDS})
    agents = clean.pop("agents", None)
    for field, value in clean.items():
        setattr(kind, field, value)
    _check_type(kind, agents)
    if AppointmentType.objects.filter(name__iexact=kind.name).exclude(pk=kind.pk).exists():
        raise Conflict(_("There is already an appointment type with that name."), fields={"name": _("Already in use.")})
    with transaction.atomic():
        kind.save()
        if agents is not None:
            kind.agents.set(agents)
    return kind


# --- booking ------------------------------------------------------------------------------------

def parse_start(raw: Any) -> datetime:
    """An ISO 8601 instant with its offset (naive times are ambiguous across zones)."""
    try:
        found = parse_datetime(raw) if isinstance(raw, str) and len(raw) <= 40 else None
    except ValueError:
        found = None
    if found is None or found.tzinfo is None or not YEARS[0] <= found.year <= YEARS[1]:
        raise Invalid(fields={"start": _("Give the start as an ISO 8601 date and time with its offset.")})
    return found.astimezone(UTC)


def slot_dicts(slots) -> list[dict]:
    return [{"start": selectors.instant(s.start).isoformat(), "end": selectors.instant(s.end).isoformat(),
             "seats_left": s.seats_left} for s in slots]


def _who(actor: User, ticket: Ticket | None) -> tuple[Customer, Ticket | None]:
    """The customer the appointment is for, and the ticket it belongs to (checked)."""
    me = customer_of(actor)
    if me is not None:
        if ticket is not None and not can_view_ticket(actor, ticket):
            raise NotFound()
        return me, ticket
    if not is_staff_agent(actor):
        raise Forbidden()
    if ticket is None:
        raise Invalid(fields={"ticket": _("Agents book from a ticket: give its id.")})
    if not can_edit_ticket(actor, ticket):
        raise Forbidden()
    return ticket.requester, ticket


def _zone(customer: Customer, given: str | None) -> str:
    """The customer's zone (the invitation is in it), else the one they gave, their login's, the site's."""
    for zone in (customer.time_zone, given or "", customer.user.time_zone if customer.user else "", settings.TIME_ZONE):
        try:
            if zone:
                ZoneInfo(zone)
                return zone
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return "UTC"


def _take(*, kind: AppointmentType, start: datetime, ignore: int | None = None) -> tuple[int, int]:
    """(agent id, seat) for a booking at `start`; call inside the transaction. SlotTaken if gone."""
    # The lock: every agent who could give it, in id order (no crosswise waits).
    list(User.objects.select_for_update().filter(pk__in=selectors.agents_of(kind)).order_by("pk").values_list("pk"))
    slots = selectors.slot_list(user=None, kind=kind, start=start, end=start + timedelta(seconds=1), now=clock.now(),
                                ignore=ignore)
    slot = slots[0] if slots and slots[0].start == selectors.seconds(start) else None
    if slot is None:
        raise SlotTaken([])
    booked = Appointment.objects.filter(agent_id__in=[agent for agent, _seats in slot.seats_by_agent],
                                        status=AppointmentStatus.BOOKED).exclude(pk=ignore)
    filling = {agent_id: {slot.start: 1} for agent_id in booked.filter(type=kind, start=start).values_list("agent_id", flat=True)}
    day = start.replace(hour=0, minute=0, second=0, microsecond=0)
    load = dict(booked.filter(start__gte=day, start__lt=day + DAY).values_list("agent_id").annotate(n=Count("pk")))
    agent_id = best_agent(slot, filling, load)
    used = set(booked.filter(agent_id=agent_id, start=start).values_list("seat", flat=True))
    return agent_id, next(n for n in range(1, len(used) + 2) if n not in used)


def _new_ticket(*, actor: User, kind: AppointmentType, agent_id: int) -> Ticket:
    """The customer's request for the appointment, with the team and agent who give it."""
    ticket = ticket_create(actor=actor, subject=_("Appointment: %(type)s") % {"type": kind.name},
                           body=_("Booked in the portal."), channel=Channel.PORTAL)
    return ticket_update(actor=system_actor("appointments"), ticket=ticket,
                         changes={"team": kind.team, "assignee": agent_id})


def _reminded(start: datetime, now: datetime) -> dict[str, datetime | None]:
    """Reminders already due when booking are not sent: the invitation says it all."""
    return {"reminded_day_at": now if start - now <= DAY else None,
            "reminded_hour_at": now if start - now <= HOUR else None}


def appointment_book(*, actor: User, kind: AppointmentType, start: Any, ticket: Ticket | None = None,
                     time_zone: str | None = None) -> Appointment:
    """Book one seat of `kind` at `start` for the actor (a customer) or the ticket's requester
    (an agent). A customer without a ticket gets a new one. SlotTaken (409) with the next free
    slots when the time is no longer free; nothing is written then."""
    start = parse_start(start)
    if not kind.active:
        raise NotFound()
    customer, ticket = _who(actor, ticket)
    try:
        with transaction.atomic():
            agent_id, seat = _take(kind=kind, start=start)
            if ticket is None:
                ticket = _new_ticket(actor=actor, kind=kind, agent_id=agent_id)
            now = clock.now()
            appointment = Appointment.objects.create(
                type=kind, agent_id=agent_id, ticket=ticket, customer=customer, start=start,
                end=start + timedelta(minutes=kind.minutes), buffer_before=kind.buffer_before,
                buffer_after=kind.buffer_after, seat=seat, time_zone=_zone(customer, time_zone), created_by=actor,
                **_reminded(start, now))
            _notify(appointment, "booked")
    except (SlotTaken, IntegrityError):
        raise SlotTaken(slot_dicts(selectors.next_slots(user=actor, kind=kind, after=start))) from None
    return appointment


def appointment_reschedule(*, actor: User, appointment: Appointment, start: Any) -> Appointment:
    """Move to another free start of the same type; the old time stays booked if the new one is gone."""
    start = parse_start(start)
    _check_changeable(actor, appointment)
    try:
        with transaction.atomic():
            locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
            if locked.status != AppointmentStatus.BOOKED:
                raise Conflict(_("This appointment is no longer booked."))
            agent_id, seat = _take(kind=locked.type, start=start, ignore=locked.pk)
            locked.agent_id, locked.seat, locked.start = agent_id, seat, start
            locked.end = start + timedelta(minutes=locked.type.minutes)
            locked.sequence += 1
            for field, value in _reminded(start, clock.now()).items():
                setattr(locked, field, value)
            locked.save()
            _notify(locked, "rescheduled")
    except (SlotTaken, IntegrityError):
        raise SlotTaken(slot_dicts(selectors.next_slots(user=actor, kind=appointment.type, after=start))) from None
    return locked


def _check_changeable(actor: User, appointment: Appointment) -> None:
    if not can_change_appointment(actor, appointment):
        raise Forbidden()
    if appointment.status != AppointmentStatus.BOOKED:
        raise Conflict(_("This appointment is no longer booked."))
    if appointment.start <= clock.now():
        raise Conflict(_("This appointment has already started."))


def appointment_cancel(*, actor: User, appointment: Appointment) -> Appointment:
    _check_changeable(actor, appointment)
    with transaction.atomic():
        changed = Appointment.objects.filter(pk=appointment.pk, status=AppointmentStatus.BOOKED).update(
            status=AppointmentStatus.CANCELLED, cancelled_at=clock.now())
        if not changed:
            raise Conflict(_("This appointment is no longer booked."))
        appointment.refresh_from_db()
        _notify(appointment, "cancelled")
    return appointment


def appointment_mark_no_show(*, actor: User, appointment: Appointment) -> Appointment:
    if not can_mark_no_show(actor, appointment):
        raise Forbidden()
    if appointment.status != AppointmentStatus.BOOKED:
        raise Conflict(_("This appointment is no longer booked."))
    if appointment.start > clock.now():
        raise Conflict(_("A no-show can be marked only once the appointment has started."))
    Appointment.objects.filter(pk=appointment.pk, status=AppointmentStatus.BOOKED).update(status=AppointmentStatus.NO_SHOW)
    appointment.refresh_from_db()
    return appointment


# --- reminders ----------------------------------------------------------------------------------

def reminders_send(*, now: datetime | None = None) -> int:
    """Queue the day-before and hour-before reminders that came due. Each is claimed by a
    conditional update first, so two scheduler runs at once still send it exactly once."""
    now = now or clock.now()
    sent = 0
    for field, ahead, event in (("reminded_day_at", DAY, "reminder_day"), ("reminded_hour_at", HOUR, "reminder_hour")):
        due = Appointment.objects.filter(status=AppointmentStatus.BOOKED, start__gt=now, start__lte=now + ahead,
                                         **{f"{field}__isnull": True}).values_list("pk", flat=True)
        for pk in list(due[:1000]):
            with transaction.atomic():
                if Appointment.objects.filter(pk=pk, **{f"{field}__isnull": True}).update(**{field: now}):
                    _notify(Appointment.objects.get(pk=pk), event)
                    sent += 1
    return sent


def _notify(appointment: Appointment, event: str) -> None:
    from .tasks import notify_appointment

    enqueue_after_commit(notify_appointment, appointment_id=appointment.pk, event=event)


# --- absences -------------------------------------------------------------------------------------

MAX_ABSENCE = timedelta(days=366)


def absence_create(*, actor: User, agent: User, start: datetime, end: datetime, reason: str = "") -> Absence:
    """Time `agent` is away: no appointment is offered with them then. Agents record their own;
    supervisors and administrators anyone's. Appointments already booked then are kept (the
    calendar shows them for someone to move)."""
    if not is_staff_agent(actor) or (agent.pk != actor.pk and not can_manage_types(actor)):
        raise Forbidden()
    if not is_staff_agent(agent):
        raise Invalid(fields={"agent": _("Choose an agent.")})
    if end <= start:
        raise Invalid(fields={"end": _("The absence must end after it starts.")})
    if end - start > MAX_ABSENCE:
        raise Invalid(fields={"end": _("Record at most a year at a time.")})
    return Absence.objects.create(agent=agent, start=start, end=end, reason=" ".join(reason.split())[:200])


def absence_delete(*, actor: User, absence: Absence) -> None:
    if absence.agent_id != actor.pk and not can_manage_types(actor):
        raise Forbidden()
    absence.delete()
