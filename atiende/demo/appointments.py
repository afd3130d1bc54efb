"""The demo's appointment types and booked appointments, once, through the appointments services:
a remote session, an on-site installation and a training session with seats; Rosa María and
Eduardo (who sign in to the portal) have appointments booked, two of Café Tres Volcanes share a
training session, and one past visit was a no-show.

Its own guard (the first type's name), so a database that had the demo before appointments
existed gets them on the next `atiende demo`, and a second run creates nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from atiende.accounts.models import Team, User
from atiende.appointments import selectors
from atiende.appointments.models import AppointmentType
from atiende.appointments.services import appointment_book, appointment_mark_no_show, type_create
from atiende.core import clock
from atiende.customers.models import Identity
from atiende.tickets.models import Ticket

TYPES = (
    # name, kind, minutes, seats, team, buffer before, buffer after
    ("Sesión remota de soporte", "remote", 45, 1, "Soporte general", 0, 15),
    ("Visita de instalación", "installation", 120, 1, "Especialistas", 30, 30),
    ("Capacitación: panel de hosting", "training", 90, 8, "Soporte general", 0, 0),
)
# Who books what: (customer's email, type, the n-th free slot from three days after the load).
BOOKINGS = (
    ("cliente@demo.atiende.mx", "Sesión remota de soporte", 2),
    ("cliente2@demo.atiende.mx", "Visita de instalación", 4),
    ("cliente@demo.atiende.mx", "Capacitación: panel de hosting", 6),
    ("julio.morales@demo.atiende.mx", "Capacitación: panel de hosting", 6),
)


def load_demo_appointments(*, actor: User, now: datetime | None = None) -> int:
    """Create the demo appointment types and appointments unless they exist; how many appointments."""
    now = now or clock.now()
    with transaction.atomic():
        if AppointmentType.objects.filter(name=TYPES[0][0]).exists():
            return 0
        teams = dict(Team.objects.values_list("name", "pk"))
        kinds = {name: type_create(actor=actor, name=name, kind=kind, minutes=minutes, seats=seats, team=teams[team],
                                   buffer_before=before, buffer_after=after, min_notice_minutes=120)
                 for name, kind, minutes, seats, team, before, after in TYPES}
        booked = [_book(actor, email, kinds[name], nth, now + timedelta(days=3), booked_at=now - timedelta(hours=2))
                  for email, name, nth in BOOKINGS]
        # A remote session last week that nobody attended.
        week_ago = now - timedelta(days=7)
        missed = _book(actor, "cliente2@demo.atiende.mx", kinds[TYPES[0][0]], 1, week_ago,
                       booked_at=week_ago - timedelta(days=1))
        with clock.frozen_at(missed.end):
            appointment_mark_no_show(actor=actor, appointment=missed)
    return len(booked) + 1


def _book(actor: User, email: str, kind: AppointmentType, nth: int, after: datetime, *, booked_at: datetime):
    """The customer's appointment on their latest ticket, the n-th free time from `after`, booked
    by the admin at `booked_at`."""
    customer_id = Identity.objects.get(kind="email", value=email).customer_id
    ticket = Ticket.objects.filter(requester_id=customer_id).order_by("-created_at").first()
    with clock.frozen_at(booked_at):
        slots = selectors.slot_list(user=actor, kind=kind, start=after, end=after + timedelta(days=14))
        return appointment_book(actor=actor, kind=kind, start=selectors.instant(slots[nth].start).isoformat(),
                                ticket=ticket)
