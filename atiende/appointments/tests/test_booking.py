"""Booking, rescheduling, cancelling, no-shows and reminders through the services."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from icalendar import Calendar

from atiende.appointments import selectors, services
from atiende.appointments.models import Appointment, AppointmentStatus
from atiende.core import clock
from atiende.core.exceptions import Forbidden, Invalid, NotFound
from atiende.tickets.models import Ticket

from .fixtures import NOW, TUESDAY_10

MX = ZoneInfo("America/Mexico_City")


@pytest.fixture(autouse=True)
def _now():
    with clock.frozen_at(NOW):
        yield


@pytest.fixture(autouse=True)
def _committed(monkeypatch, django_capture_on_commit_callbacks):
    """The services' after-commit mail runs as each service returns (the test holds one transaction)."""
    for name in ("appointment_book", "appointment_reschedule", "appointment_cancel", "reminders_send"):
        original = getattr(services, name)

        def committed(*args, _original=original, **kwargs):
            with django_capture_on_commit_callbacks(execute=True):
                return _original(*args, **kwargs)

        monkeypatch.setattr(services, name, committed)


def invitations() -> list:
    return [m for m in mail.outbox if m.attachments]


def starts(slots) -> list[str]:
    return [selectors.instant(s.start).astimezone(MX).strftime("%a %H:%M") for s in slots]


def test_slots_follow_office_hours_notice_and_other_appointments(world, kinds):
    monday = selectors.slot_list(user=world.customer_a.user, kind=kinds["remote"], start=NOW, end=NOW + timedelta(hours=12))
    assert starts(monday) == ["Mon 10:00", "Mon 11:00", "Mon 12:00", "Mon 13:00", "Mon 14:00", "Mon 15:00", "Mon 16:00",
                              "Mon 17:00"]  # 9:00 is within the hour's notice; 17:00 ends at closing
    services.appointment_book(actor=world.customer_a.user, kind=kinds["remote"], start="2027-01-11T12:00:00-06:00")
    monday = selectors.slot_list(user=world.customer_a.user, kind=kinds["remote"], start=NOW, end=NOW + timedelta(hours=12))
    assert "Mon 12:00" not in starts(monday) and len(monday) == 7


def test_slots_keep_the_hour_grid_when_the_notice_ends_mid_hour(world, kinds):
    """Starts are on the type's grid from opening time, not from "now plus notice" (10:07:31 is no
    time to offer), and the first one can be booked as offered however long the customer took."""
    with clock.frozen_at(NOW + timedelta(minutes=7, seconds=31, microseconds=250_000)):
        monday = selectors.slot_list(user=world.customer_a.user, kind=kinds["remote"], start=clock.now(),
                                     end=NOW + timedelta(hours=12))
    assert starts(monday)[:2] == ["Mon 11:00", "Mon 12:00"]  # 10:00 is within the hour's notice of 9:07
    with clock.frozen_at(NOW + timedelta(minutes=9, seconds=59, microseconds=999_000)):
        booked = services.appointment_book(actor=world.customer_a.user, kind=kinds["remote"],
                                           start=selectors.instant(monday[0].start).isoformat())
    assert booked.start.astimezone(MX).strftime("%H:%M:%S") == "11:00:00"


def test_a_customer_books_without_a_ticket_and_gets_one_with_both_invitations(world, kinds):
    before = Ticket.objects.count()
    appointment = services.appointment_book(actor=world.customer_a.user, kind=kinds["remote"], start=TUESDAY_10)
    assert Ticket.objects.count() == before + 1
    assert (appointment.agent_id, appointment.customer_id, appointment.ticket.requester_id, appointment.seat) == (
        world.agent1.pk, world.customer_a.pk, world.customer_a.pk, 1)
    assert sorted(m.to[0] for m in invitations()) == ["ana@tienda-a.mx", "uno@example.mx"]
    event = _event(invitations()[0])
    assert event.get("dtstart").dt == datetime(2027, 1, 12, 10, 0, tzinfo=MX)
    assert str(event.get("dtstart").dt.tzinfo) == "America/Mexico_City"
    assert event.get("dtend").dt - event.get("dtstart").dt == timedelta(minutes=60)
    assert str(event.get("uid")) == f"appointment-{appointment.pk}@" + str(event.get("uid")).split("@")[1]
    assert {str(a).lower() for a in event.get("attendee")} == {"mailto:ana@tienda-a.mx", "mailto:uno@example.mx"}


def _event(message):
    name, content, mimetype = message.attachments[0]
    assert name == "cita.ics" and mimetype.startswith("text/calendar")
    calendar = Calendar.from_ical(content)
    assert str(calendar.get("method")) in ("REQUEST", "CANCEL")
    return next(iter(calendar.walk("VEVENT")))


def test_the_second_booking_of_a_one_seat_slot_is_refused_with_the_next_slots(world, kinds):
    services.appointment_book(actor=world.customer_a.user, kind=kinds["remote"], start=TUESDAY_10)
    with pytest.raises(services.SlotTaken) as refused:
        services.appointment_book(actor=world.customer_b.user, kind=kinds["remote"], start=TUESDAY_10)
    assert refused.value.status == 409
    assert [s["start"] for s in refused.value.next_slots[:2]] == ["2027-01-12T17:00:00+00:00", "2027-01-12T18:00:00+00:00"]
    assert Appointment.objects.count() == 1
    assert Ticket.objects.filter(requester=world.customer_b).count() == 1  # no ticket made for the refused one


def test_a_training_session_fills_its_seats_then_is_gone(world, kinds):
    for customer in (world.customer_a, world.colleague_a, world.org_admin_a):
        services.appointment_book(actor=customer.user, kind=kinds["training"], start=TUESDAY_10)
    assert list(Appointment.objects.values_list("seat", flat=True).order_by("seat")) == [1, 2, 3]
    with pytest.raises(services.SlotTaken):
        services.appointment_book(actor=world.customer_b.user, kind=kinds["training"], start=TUESDAY_10)


def test_seats_left_counts_down(world, kinds):
    tuesday = datetime(2027, 1, 12, 16, 0, tzinfo=ZoneInfo("UTC"))
    services.appointment_book(actor=world.customer_a.user, kind=kinds["training"], start=TUESDAY_10)
    slots = selectors.slot_list(user=None, kind=kinds["training"], start=tuesday, end=tuesday + timedelta(hours=3))
    assert [(starts([s])[0], s.seats_left) for s in slots] == [("Tue 10:00", 2), ("Tue 12:00", 3)]  # 11:00 overlaps it


def test_agents_book_from_a_ticket_they_may_change_only(world, kinds):
    with pytest.raises(Invalid):
        services.appointment_book(actor=world.agent1, kind=kinds["remote"], start=TUESDAY_10)
    with pytest.raises(Forbidden):
        services.appointment_book(actor=world.agent2, kind=kinds["remote"], start=TUESDAY_10, ticket=world.ticket_a)
    appointment = services.appointment_book(actor=world.agent1, kind=kinds["remote"], start=TUESDAY_10, ticket=world.ticket_a)
    assert (appointment.ticket_id, appointment.customer_id) == (world.ticket_a.pk, world.customer_a.pk)
    with pytest.raises(NotFound):  # a customer may not hang an appointment on someone else's ticket
        services.appointment_book(actor=world.customer_b.user, kind=kinds["remote"], start=TUESDAY_10, ticket=world.ticket_a)


def test_reschedule_moves_it_and_raises_the_sequence_and_a_taken_time_keeps_the_old_one(world, kinds):
    mine = services.appointment_book(actor=world.customer_a.user, kind=kinds["remote"], start=TUESDAY_10)
    services.appointment_book(actor=world.customer_b.user, kind=kinds["remote"], start="2027-01-12T12:00:00-06:00")
    with pytest.raises(services.SlotTaken):
        services.appointment_reschedule(actor=world.customer_a.user, appointment=mine, start="2027-01-12T12:00:00-06:00")
    mine.refresh_from_db()
    assert (mine.start, mine.sequence) == (datetime(2027, 1, 12, 16, 0, tzinfo=ZoneInfo("UTC")), 0)
    mail.outbox.clear()
    moved = services.appointment_reschedule(actor=world.customer_a.user, appointment=mine,
                                            start="2027-01-12T11:00:00-06:00")
    assert (moved.sequence, moved.start.astimezone(MX).hour) == (1, 11)
    event = _event(invitations()[0])
    assert int(event.get("sequence")) == 1


def test_cancel_sends_a_cancellation_and_frees_the_slot(world, kinds):
    mine = services.appointment_book(actor=world.customer_a.user, kind=kinds["remote"], start=TUESDAY_10)
    with pytest.raises(NotFound):
        selectors.appointment_get(user=world.customer_b.user, appointment_id=mine.pk)
    with pytest.raises(Forbidden):
        services.appointment_cancel(actor=world.colleague_a.user, appointment=mine)
    mail.outbox.clear()
    services.appointment_cancel(actor=world.customer_a.user, appointment=mine)
    assert Appointment.objects.get(pk=mine.pk).status == AppointmentStatus.CANCELLED
    assert str(_event(invitations()[0]).get("status")) == "CANCELLED"
    services.appointment_book(actor=world.customer_b.user, kind=kinds["remote"], start=TUESDAY_10)


def test_no_show_only_by_agents_and_once_started(world, kinds):
    mine = services.appointment_book(actor=world.customer_a.user, kind=kinds["remote"], start=TUESDAY_10)
    with pytest.raises(services.Conflict):
        services.appointment_mark_no_show(actor=world.agent1, appointment=mine)
    with clock.frozen_at(NOW + timedelta(days=1, hours=2)):
        with pytest.raises(Forbidden):
            services.appointment_mark_no_show(actor=world.customer_a.user, appointment=mine)
        assert services.appointment_mark_no_show(actor=world.agent1, appointment=mine).status == AppointmentStatus.NO_SHOW


def test_reminders_go_out_once_a_day_and_an_hour_before(world, kinds):
    services.appointment_book(actor=world.customer_a.user, kind=kinds["remote"], start="2027-01-13T10:00:00-06:00")
    mail.outbox.clear()
    assert services.reminders_send(now=NOW) == 0  # two days ahead
    day_before = datetime(2027, 1, 12, 16, 30, tzinfo=ZoneInfo("UTC"))
    assert services.reminders_send(now=day_before) == 1
    assert services.reminders_send(now=day_before) == 0
    assert services.reminders_send(now=day_before + timedelta(hours=22)) == 0  # 8:30 local, 90 min before
    assert services.reminders_send(now=day_before + timedelta(hours=22, minutes=40)) == 1  # 50 min before
    assert services.reminders_send(now=day_before + timedelta(hours=22, minutes=50)) == 0
    assert [m.subject.split(":")[0] for m in invitations()] == ["Reminder"] * 4  # customer and agent, twice


def test_type_rules(world):
    with pytest.raises(Forbidden):
        services.type_create(actor=world.agent1, name="X", kind="remote", minutes=30, team=world.team1.pk)
    with pytest.raises(Invalid) as bad:
        services.type_create(actor=world.admin, name="X", kind="remote", minutes=30, seats=4, team=world.team1.pk)
    assert "seats" in bad.value.fields
    with pytest.raises(Invalid) as bad:
        services.type_create(actor=world.admin, name="X", kind="remote", minutes=30, team=world.team1.pk,
                             agents=[world.agent2.pk])
    assert "agents" in bad.value.fields
