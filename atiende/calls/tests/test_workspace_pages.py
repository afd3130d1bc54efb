"""The workspace's "Log a call" form and the caller-id notices fragment."""

from __future__ import annotations

import pytest
from django.test import Client

from atiende.calls.models import Call
from atiende.calls.services import call_event_receive, telephony_system_create
from atiende.customers.services import customer_create, customer_update
from atiende.tickets.models import Ticket

pytestmark = pytest.mark.django_db

FORM = "/bandeja/llamadas/nueva/"
NOTICES = "/bandeja/llamadas/avisos/"


def page(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user, backend="atiende.accounts.backends.EmailBackend")
    return client


def form(**fields) -> dict:
    return {"phone": "55 1234 5678", "direction": "inbound", "outcome": "answered", "started_at": "2026-12-04T10:15",
            "duration_minutes": "2", "duration_seconds": "30", "notes": "Quiere cambiar de plan.", **fields}


def test_an_agent_logs_a_call_on_a_ticket_from_the_form_and_lands_on_the_ticket(world):
    client = page(world.agent1)
    shown = client.get(f"{FORM}?ticket={world.ticket_a.number}")
    assert shown.status_code == 200 and f'value="{world.ticket_a.number}"' in shown.content.decode()
    response = client.post(FORM, form(ticket=str(world.ticket_a.number)))
    assert response.status_code == 302 and response["Location"] == f"/tickets/{world.ticket_a.number}/"
    call = Call.objects.get()
    assert (call.ticket, call.duration_seconds, call.agent) == (world.ticket_a, 150, world.agent1)
    assert call.message.body_text == "Incoming call: Answered, 2 min 30 s.\n\nQuiere cambiar de plan."


def test_opened_from_a_ticket_the_form_knows_the_requesters_phone_only_for_agents_who_see_it(world):
    customer_update(actor=world.admin, customer=world.customer_a,
                    changes={"identities": {"email": "ana@tienda-a.mx", "phone": "+52 55 1234 5678"}})
    url = f"{FORM}?ticket={world.ticket_a.number}"
    assert 'value="+525512345678"' in page(world.agent1).get(url).content.decode()
    assert "+525512345678" not in page(world.agent2).get(url).content.decode()


def test_the_ticket_page_links_to_the_form_with_its_number(world):
    response = page(world.agent1).get(f"/tickets/{world.ticket_a.number}/")
    assert f"/bandeja/llamadas/nueva/?ticket={world.ticket_a.number}" in response.content.decode()


@pytest.mark.parametrize(("fields", "text"), [
    ({"phone": "123"}, "This is not a valid phone number."),
    ({"ticket": "999999"}, "Unknown ticket."),
    ({"outcome": "maybe"}, "Select a valid choice."),
])
def test_bad_input_shows_the_reason_and_stores_nothing(world, fields, text):
    tickets = Ticket.objects.count()
    response = page(world.agent1).post(FORM, form(**fields))
    assert response.status_code == 400
    assert text in response.content.decode()
    assert (Call.objects.count(), Ticket.objects.count()) == (0, tickets)


def test_a_ticket_of_another_team_is_unknown_on_the_form(world):
    response = page(world.agent1).post(FORM, form(ticket=str(world.ticket_b.number)))
    assert response.status_code == 400 and "Unknown ticket." in response.content.decode()
    assert world.ticket_b.subject not in response.content.decode()
    assert Call.objects.count() == 0


def test_customers_and_visitors_never_reach_the_calls_pages(world):
    for url in (FORM, NOTICES):
        assert page(None).get(url).status_code == 302
        customer = page(world.customer_a.user).get(url)
        assert customer.status_code == 302 and customer["Location"].startswith("/soporte/")
        assert page(world.collaborator).get(url).status_code == 403
    assert page(world.customer_a.user).post(FORM, form()).status_code == 302
    assert Call.objects.count() == 0


def test_the_notice_names_a_known_caller_with_the_open_tickets_the_agent_may_see(world):
    system, _token = telephony_system_create(actor=None, name="Conmutador")
    ana = world.customer_a
    customer_create(name="Otro", identities={"phone": "+52 33 1000 0000"})
    customer_update(actor=world.admin, customer=ana, changes={"identities": {"email": "ana@tienda-a.mx",
                                                                            "phone": "+52 55 1234 5678"}})
    call_event_receive(system=system, event="ringing", call_id="r-1", from_number="5215512345678")
    call_event_receive(system=system, event="ringing", call_id="r-2", from_number="+52 81 2000 0000")
    shown = page(world.agent1).get(NOTICES).content.decode()
    assert "Incoming call" in shown and "Ana Cliente" in shown and "(Tienda A)" in shown
    assert "1 open ticket" in shown and f"#{world.ticket_a.number}" in shown
    assert "Unknown caller +528120000000" in shown and "?phone=%2B528120000000" in shown
    # Agent 2 sees who calls, but not a ticket of another team.
    other = page(world.agent2).get(NOTICES).content.decode()
    assert "Ana Cliente" in other and "0 open tickets" in other and world.ticket_a.subject not in other
