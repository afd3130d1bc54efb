"""A customer asks for a call back from the portal: within business hours, in the future, within
14 days; the request is a phone ticket whose agreed time the SLA summary and the inbox honour."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client

from atiende.core import clock
from atiende.customers.services import customer_update
from atiende.sla.models import Calendar
from atiende.sla.services.policies import policy_create
from atiende.tickets.models import Ticket
from atiende.tickets.services import message_create

pytestmark = pytest.mark.django_db

URL = "/soporte/llamada/"
# Thursday 3 December 2026, 10:00 in Mexico City.
NOW = datetime(2026, 12, 3, 16, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _thursday_morning():
    with clock.frozen_at(NOW):
        yield


def portal(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user, backend="atiende.accounts.backends.EmailBackend")
    return client


def ask(world, when: str, *, user=None, topic: str = "Factura de noviembre", phone: str = "55 1234 5678"):
    return portal(user or world.customer_a.user).post(URL, {"phone": phone, "preferred_at": when, "topic": topic})


def test_a_call_back_within_business_hours_is_a_phone_ticket_due_at_that_time(world):
    response = ask(world, "2026-12-04T11:00")
    ticket = Ticket.objects.get(subject="Call back requested: Factura de noviembre")
    assert response.status_code == 302 and response["Location"] == f"/soporte/solicitudes/{ticket.number}/llamada/"
    due = datetime(2026, 12, 4, 17, 0, tzinfo=UTC)
    assert (ticket.channel, ticket.requester, ticket.agreed_at, ticket.sla_due_at) == (
        "phone", world.customer_a, due, due)
    assert "+525512345678" in ticket.messages.get().body_text
    shown = portal(world.customer_a.user).get(response["Location"]).content.decode()
    assert "We will call you on" in shown and "11 a.m." in shown and "America/Mexico_City" in shown


def test_the_inbox_sorts_it_by_its_agreed_time_and_an_agents_answer_meets_it(world):
    ask(world, "2026-12-04T11:00")
    ticket = Ticket.objects.get(channel="phone")
    rows = world.client_for(world.agent1).get("/api/v1/tickets/", {"ordering": "sla_due_at"}).json()["results"]
    assert [row["id"] for row in rows][:1] == [ticket.pk]
    message_create(actor=world.agent1, ticket=ticket, body="Te llamamos y quedó resuelto.")
    ticket.refresh_from_db()
    assert (ticket.agreed_at, ticket.sla_due_at) == (None, None)


def test_under_a_policy_the_agreed_time_comes_first_when_it_is_nearer(world):
    always = Calendar.objects.get(name="24/7")
    policy_create(actor=world.admin, name="Teléfono", targets={"first_response": {"minutes": 8 * 60, "calendar": always.pk}})
    ask(world, "2026-12-03T11:00")  # 24/7 calendar: any time is open
    ticket = Ticket.objects.get(channel="phone")
    assert ticket.sla_due_at == datetime(2026, 12, 3, 17, 0, tzinfo=UTC)  # before the 8 h target
    message_create(actor=world.agent1, ticket=ticket, body="Listo.")
    ticket.refresh_from_db()
    assert ticket.sla_due_at is None and ticket.agreed_at is None


@pytest.mark.parametrize(("when", "text"), [
    ("2026-12-04T18:00", "We are closed at that time. The next time we can call you is Dec. 7, 2026, 9 a.m."),
    ("2026-12-04T14:30", "The next time we can call you is Dec. 4, 2026, 3 p.m."),
    ("2026-12-05T10:00", "The next time we can call you is Dec. 7, 2026, 9 a.m."),
    ("2026-12-03T09:59", "Choose a time that has not passed."),
    ("2026-12-17T10:01", "Choose a time within the next 14 days."),
    ("mañana", "Enter a valid date/time."),
])
def test_times_outside_business_hours_in_the_past_or_too_far_are_refused_with_a_suggestion(world, when, text):
    tickets = Ticket.objects.count()
    response = ask(world, when)
    assert response.status_code == 400
    assert text in response.content.decode()
    assert Ticket.objects.count() == tickets


def test_the_last_minute_before_closing_is_open(world):
    assert ask(world, "2026-12-04T17:59").status_code == 302


def test_the_time_is_read_and_answered_in_the_customers_time_zone(world):
    customer_update(actor=world.admin, customer=world.customer_a, changes={"time_zone": "America/Tijuana"})
    assert ask(world, "2026-12-04T09:30").status_code == 302  # 11:30 in Mexico City
    assert Ticket.objects.get(channel="phone").agreed_at == datetime(2026, 12, 4, 17, 30, tzinfo=UTC)
    late = ask(world, "2026-12-04T16:30")  # 18:30 in Mexico City: closed; Monday 9:00 there is 7:00 here
    assert late.status_code == 400 and "Dec. 7, 2026, 7 a.m." in late.content.decode()


@pytest.mark.parametrize(("fields", "text"), [
    ({"phone": "123"}, "This is not a valid phone number."),
    ({"topic": "   "}, "This field is required."),
])
def test_bad_phone_or_topic_is_explained(world, fields, text):
    response = portal(world.customer_a.user).post(URL, {"phone": "55 1234 5678", "preferred_at": "2026-12-04T11:00",
                                                        "topic": "x", **fields})
    assert response.status_code == 400 and text in response.content.decode()
    assert not Ticket.objects.filter(channel="phone").exists()


def test_the_form_prefills_only_the_customers_own_number_and_others_never_see_the_request(world):
    customer_update(actor=world.admin, customer=world.customer_a,
                    changes={"identities": {"email": "ana@tienda-a.mx", "phone": "+52 55 1234 5678"}})
    assert 'value="+525512345678"' in portal(world.customer_a.user).get(URL).content.decode()
    assert "+525512345678" not in portal(world.customer_b.user).get(URL).content.decode()
    ask(world, "2026-12-04T11:00")
    ticket = Ticket.objects.get(channel="phone")
    other = portal(world.customer_b.user).get(f"/soporte/solicitudes/{ticket.number}/llamada/")
    assert other.status_code == 404 and b"Factura de noviembre" not in other.content
    assert portal(world.colleague_a.user).get(f"/soporte/solicitudes/{ticket.number}/llamada/").status_code == 404


def test_agents_and_visitors_do_not_use_the_portal_form(world):
    assert portal(world.agent1).get(URL).status_code == 302
    assert Client().get(URL)["Location"].startswith("/soporte/entrar/")
    assert portal(world.agent1).post(URL, {"phone": "5512345678", "preferred_at": "2026-12-04T11:00",
                                           "topic": "x"}).status_code == 302
    assert not Ticket.objects.filter(channel="phone").exists()
