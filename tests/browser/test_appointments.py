"""Appointments in a real browser: a customer books a training session on a 375-px phone, the
invitation with its .ics arrives (the test mail outbox), and the agent sees it on the ticket.
Both read English here (their chosen language), so the test reads the msgids."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from icalendar import Calendar
from playwright.sync_api import expect

from atiende.appointments.models import Appointment
from atiende.appointments.services import type_create
from conftest import PASSWORD

from .conftest import PHONE
from .test_portal import fits, portal_sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_customer_books_a_training_session_on_a_phone_and_the_agent_sees_it(world, live_server, new_page, login):
    training = type_create(actor=world.admin, name="Capacitación en facturación", kind="training", minutes=90,
                           seats=6, team=world.team1.pk, min_notice_minutes=60)
    for user in (world.customer_a.user, world.agent1):
        user.language = "en"
        user.save(update_fields=["language"])
    world.customer_a.language = "en"
    world.customer_a.save(update_fields=["language"])
    phone = new_page(**PHONE)
    portal_sign_in(phone, live_server, world.customer_a.user.email)
    phone.locator("nav.portal-nav").get_by_role("link", name="My appointments").click()
    expect(phone.locator("h1")).to_have_text("My appointments")
    assert fits(phone)
    phone.get_by_role("link", name="Book an appointment").click()
    phone.get_by_role("link", name="Capacitación en facturación").click()
    expect(phone.locator("h1")).to_have_text("Capacitación en facturación")
    assert fits(phone)
    first = phone.locator("fieldset.slot-day button.slot").first
    expect(first).to_contain_text("6 seats left")
    chosen = first.get_attribute("value")
    with phone.expect_navigation():
        first.click()
    expect(phone).to_have_url(re.compile(r"/soporte/citas/$"))
    expect(phone.locator("ol.appointments > li")).to_contain_text("Capacitación en facturación")
    assert fits(phone)

    appointment = Appointment.objects.get(type=training)
    assert appointment.start.isoformat() == _utc(chosen)
    invitation = next(m for m in mail.outbox if m.to == ["ana@tienda-a.mx"] and m.attachments)
    assert invitation.subject.startswith("Appointment confirmed: Capacitación en facturación")
    event = next(iter(Calendar.from_ical(invitation.attachments[0][1]).walk("VEVENT")))
    assert event.get("dtstart").dt == appointment.start
    assert str(event.get("dtstart").dt.tzinfo) == "America/Mexico_City"  # Ana's zone: the site's
    assert any(m.to == ["uno@example.mx"] and m.attachments for m in mail.outbox)  # the agent's copy

    desk = new_page()
    login(desk, live_server, world.agent1.email, PASSWORD)
    desk.goto(f"{live_server.url}/tickets/{appointment.ticket.number}/")
    box = desk.locator("#ticket-appointments")
    expect(box).to_contain_text("Capacitación en facturación")
    expect(box).to_contain_text("Booked")


def _utc(value: str) -> str:
    from datetime import UTC, datetime

    return datetime.fromisoformat(value).astimezone(UTC).isoformat()
