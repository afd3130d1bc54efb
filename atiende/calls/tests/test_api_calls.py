"""`POST/GET /api/v1/calls/`: a logged call becomes a phone message on the caller's ticket."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from atiende.calls.models import Call
from atiende.customers.models import Customer, Identity
from atiende.customers.services import customer_create
from atiende.tickets.models import ChannelReceipt, Delivery, Message, MessageKind, Ticket
from atiende.tickets.services import ticket_update

pytestmark = pytest.mark.django_db

STARTED = "2026-12-04T10:15:00-06:00"


def payload(**fields) -> dict:
    return {"phone": "+52 55 1234 5678", "direction": "inbound", "outcome": "answered", "started_at": STARTED,
            "duration_seconds": 185, "notes": "Pregunta por su factura de noviembre.", **fields}


def counts() -> tuple[int, int, int, int]:
    return Ticket.objects.count(), Message.objects.count(), Customer.objects.count(), Call.objects.count()


def test_an_inbound_call_without_a_ticket_opens_a_phone_ticket_for_a_new_customer_found_by_number(world):
    api = world.client_for(world.agent1)
    before = counts()
    response = api.post("/api/v1/calls/", payload(), format="json")
    assert response.status_code == 201, response.content
    call = Call.objects.get(pk=response.json()["id"])
    ticket, message = call.ticket, call.message
    assert (ticket.channel, ticket.subject, ticket.status) == ("phone", "Call from +525512345678", "new")
    assert (message.channel, message.kind, message.author_kind) == ("phone", MessageKind.PUBLIC, "customer")
    # In the site's language (the new customer has none), direction, outcome, duration, notes.
    assert message.body_text == "Incoming call: Answered, 3 min 05 s.\n\nPregunta por su factura de noviembre."
    assert list(ticket.requester.identities.values_list("kind", "value")) == [("phone", "+525512345678")]
    assert (call.phone, call.direction, call.state, call.outcome, call.agent, call.customer) == (
        "+525512345678", "inbound", "ended", "answered", world.agent1, ticket.requester)
    assert call.started_at == datetime(2026, 12, 4, 16, 15, tzinfo=UTC)
    assert ChannelReceipt.objects.get(channel="phone").external_id == call.external_id
    assert counts() == (before[0] + 1, before[1] + 1, before[2] + 1, before[3] + 1)


@pytest.mark.parametrize("written", ["5215512345678", "+52 1 55 1234 5678", "55 1234 5678", "+525512345678"])
def test_every_way_of_writing_a_mexican_mobile_finds_the_same_customer(world, written):
    lupita = customer_create(name="Lupita", identities={"whatsapp": "5215512345678"})
    response = world.client_for(world.agent1).post("/api/v1/calls/", payload(phone=written), format="json")
    assert response.status_code == 201, response.content
    assert Call.objects.get().customer == lupita
    assert Ticket.objects.get(pk=response.json()["ticket"]).requester == lupita
    assert Customer.objects.filter(name="Lupita").count() == 1


def test_the_same_call_id_twice_creates_nothing_the_second_time(world):
    api = world.client_for(world.agent1)
    first = api.post("/api/v1/calls/", payload(call_id="pbx-7781"), format="json")
    before = counts()
    again = api.post("/api/v1/calls/", payload(call_id="pbx-7781", notes="otra cosa"), format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert counts() == before


def test_an_idempotency_key_replays_the_first_answer(world):
    api = world.client_for(world.agent1)
    first = api.post("/api/v1/calls/", payload(), format="json", HTTP_IDEMPOTENCY_KEY="llamada-1")
    before = counts()
    again = api.post("/api/v1/calls/", payload(), format="json", HTTP_IDEMPOTENCY_KEY="llamada-1")
    assert again.status_code == 201 and again.json() == first.json()
    assert counts() == before


def test_an_inbound_call_on_a_ticket_is_the_customers_message_there(world):
    ticket = world.ticket_a
    response = world.client_for(world.agent1).post(
        "/api/v1/calls/", payload(ticket=ticket.pk, phone="+52 33 1000 0000"), format="json")
    assert response.status_code == 201, response.content
    call = Call.objects.get()
    assert call.ticket == ticket
    assert (call.message.ticket, call.message.author_kind, call.message.channel) == (ticket, "customer", "phone")


def test_an_outbound_call_is_a_public_agent_message_that_no_channel_sends(world):
    ticket = world.ticket_a  # an API ticket whose customer has an email address: replies go by email
    response = world.client_for(world.agent1).post(
        "/api/v1/calls/", payload(ticket=ticket.pk, direction="outbound", outcome="no_answer", duration_seconds=0),
        format="json")
    assert response.status_code == 201, response.content
    message = Call.objects.get().message
    assert (message.kind, message.author_kind, message.author_user, message.channel) == (
        MessageKind.PUBLIC, "agent", world.agent1, "phone")
    assert message.body_text.startswith("Outgoing call: No answer.")
    assert not Delivery.objects.filter(message=message).exists()


def test_an_outbound_call_without_a_ticket_opens_one_written_by_the_agent(world):
    response = world.client_for(world.agent1).post("/api/v1/calls/", payload(direction="outbound"), format="json")
    assert response.status_code == 201, response.content
    ticket = Call.objects.get().ticket
    assert (ticket.subject, ticket.channel) == ("Call to +525512345678", "phone")
    assert ticket.messages.get().author_user == world.agent1


@pytest.mark.parametrize(("fields", "field"), [
    ({"phone": "36 1000 000"}, "phone"),
    ({"phone": ""}, "phone"),
    ({"direction": "sideways"}, "direction"),
    ({"outcome": "maybe"}, "outcome"),
    ({"duration_seconds": -1}, "duration_seconds"),
    ({"duration_seconds": 86401}, "duration_seconds"),
    ({"started_at": "2099-01-01T00:00:00Z"}, "started_at"),
    ({"ticket": 999_999_999}, "ticket"),
    ({"ticket": "abc"}, "ticket"),
    ({"call_id": "x" * 201}, "call_id"),
])
def test_bad_input_is_a_400_naming_the_field_and_stores_nothing(world, fields, field):
    before = counts()
    response = world.client_for(world.agent1).post("/api/v1/calls/", payload(**fields), format="json",
                                                   HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.content
    assert field in str(response.json()), response.json()
    assert counts() == before


def test_an_invalid_phone_is_explained_in_english_when_asked(world):
    world.agent1.language = "en"
    world.agent1.save()
    response = world.client_for(world.agent1).post("/api/v1/calls/", payload(phone="123"), format="json")
    assert response.status_code == 400
    assert "This is not a valid phone number." in response.content.decode()


def test_a_ticket_the_agent_may_not_see_is_unknown_and_nothing_is_written(world):
    before = counts()
    response = world.client_for(world.agent1).post("/api/v1/calls/", payload(ticket=world.ticket_b.pk), format="json")
    assert response.status_code == 400
    assert "ticket" in response.json()["error"]["fields"]
    assert world.ticket_b.subject not in response.content.decode()
    assert counts() == before


def test_a_closed_ticket_takes_no_call(world):
    ticket_update(actor=world.admin, ticket=world.ticket_a, changes={"status": "closed"})
    before = counts()
    response = world.client_for(world.agent1).post("/api/v1/calls/", payload(ticket=world.ticket_a.pk), format="json")
    assert response.status_code == 409
    assert counts() == before


@pytest.mark.parametrize("who", ["customer_a", "collaborator", None])
def test_only_staff_agents_log_or_list_calls(world, who):
    user = {"customer_a": world.customer_a.user, "collaborator": world.collaborator, None: None}[who]
    api = world.client_for(user)
    before = counts()
    assert api.post("/api/v1/calls/", payload(), format="json").status_code in (401, 403)
    assert api.get("/api/v1/calls/").status_code in (401, 403)
    assert counts() == before


def test_listing_by_number_finds_the_calls_of_that_number_written_any_way(world):
    api = world.client_for(world.agent1)
    api.post("/api/v1/calls/", payload(), format="json")
    api.post("/api/v1/calls/", payload(phone="+52 33 1000 0000"), format="json")
    listed = api.get("/api/v1/calls/", {"phone": "5215512345678"})
    assert listed.status_code == 200
    assert [row["phone"] for row in listed.json()["results"]] == ["+525512345678"]
    assert api.get("/api/v1/calls/", {"phone": "nope"}).status_code == 400


def test_agents_do_not_list_calls_on_tickets_they_may_not_see(world):
    world.client_for(world.admin).post("/api/v1/calls/", payload(ticket=world.ticket_b.pk), format="json")
    assert world.client_for(world.agent1).get("/api/v1/calls/").json()["results"] == []
    assert len(world.client_for(world.agent2).get("/api/v1/calls/").json()["results"]) == 1
    assert Identity.objects.filter(value="+525512345678").count() == 1


def test_the_list_costs_the_same_queries_for_one_call_or_many(world):
    api = world.client_for(world.agent1)
    api.post("/api/v1/calls/", payload(), format="json")
    with CaptureQueriesContext(connection) as one:
        assert api.get("/api/v1/calls/").status_code == 200
    for n in range(4):
        api.post("/api/v1/calls/", payload(phone=f"+52 33 1000 000{n}"), format="json")
    with CaptureQueriesContext(connection) as five:
        assert len(api.get("/api/v1/calls/").json()["results"]) == 5
    assert len(five.captured_queries) == len(one.captured_queries)
