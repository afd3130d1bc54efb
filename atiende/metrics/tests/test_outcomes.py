"""Outcomes asked when solving: required for agents (unless the admin turns it off), checked,
given through the API and the ticket service, and stored per solved episode."""

import pytest

from atiende.assets.services import asset_create, product_create
from atiende.metrics.models import OutcomeReason, TicketOutcome
from atiende.metrics.selectors import outcome_settings
from atiende.metrics.services import outcome_reason_create, outcome_settings_update
from atiende.tickets.models import Ticket
from atiende.tickets.services import ticket_update

pytestmark = pytest.mark.django_db


def patch(world, user, ticket, data):
    return world.client_for(user).patch(f"/api/v1/tickets/{ticket.pk}/", data, format="json")


def test_reasons_are_seeded_and_admins_add_more(world):
    assert list(OutcomeReason.objects.values_list("name", flat=True)) == [
        "Fuera de alcance", "El cliente dejó de responder", "Limitación del producto", "Duplicado"]
    added = outcome_reason_create(actor=world.admin, name="  Garantía   vencida ")
    assert added.name == "Garantía vencida"
    with pytest.raises(Exception, match="permission_denied"):
        outcome_reason_create(actor=world.supervisor, name="Otra")


def test_api_refuses_solving_without_outcome_while_required_and_changes_nothing(world):
    response = patch(world, world.agent1, world.ticket_a, {"status": "solved"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "outcome_required"
    assert "outcome" in error["fields"]
    assert Ticket.objects.get(pk=world.ticket_a.pk).status == "new"
    assert not TicketOutcome.objects.exists()


def test_api_solves_with_outcome(world):
    response = patch(world, world.agent1, world.ticket_a, {"status": "solved", "outcome": "workaround"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "solved"
    outcome = TicketOutcome.objects.get()
    assert (outcome.ticket_id, outcome.episode, outcome.kind, outcome.reason, outcome.actor) == (
        world.ticket_a.pk, 1, "workaround", None, world.agent1)


@pytest.mark.parametrize(("data", "field", "code"), [
    ({"outcome": "maybe"}, "outcome", "outcome_invalid"),
    ({"outcome": "not_solved"}, "outcome_reason", "outcome_reason_required"),
    ({"outcome": "not_solved", "outcome_reason": 99999}, "outcome_reason", "outcome_invalid"),
    ({"outcome": "solved", "outcome_reason": 1}, "outcome_reason", "outcome_invalid"),
    ({"outcome": "solved", "outcome_asset": 99999}, "outcome_asset", "outcome_invalid"),
])
def test_api_says_what_is_wrong_with_an_outcome(world, data, field, code):
    response = patch(world, world.agent1, world.ticket_a, {"status": "solved", **data})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert list(response.json()["error"]["fields"]) == [field]
    assert Ticket.objects.get(pk=world.ticket_a.pk).status == "new"


def test_not_solved_with_a_reason_and_the_customers_product(world):
    modem = product_create(actor=world.admin, name="Módem X", kind="device")
    mine = asset_create(actor=world.admin, product=modem, customer=world.customer_a, identifier="SN-1", purchased_on="2026-01-10")
    theirs = asset_create(actor=world.admin, product=modem, customer=world.customer_b, identifier="SN-2", purchased_on="2026-01-10")
    reason = OutcomeReason.objects.get(name="Limitación del producto")
    refused = patch(world, world.agent1, world.ticket_a, {"status": "solved", "outcome": "not_solved",
                                                          "outcome_reason": reason.pk, "outcome_asset": theirs.pk})
    assert refused.status_code == 400
    given = patch(world, world.agent1, world.ticket_a, {"status": "solved", "outcome": "not_solved",
                                                        "outcome_reason": reason.pk, "outcome_asset": mine.pk})
    assert given.status_code == 200
    assert TicketOutcome.objects.values_list("kind", "reason__name", "asset_id").get() == (
        "not_solved", "Limitación del producto", mine.pk)


def test_outcome_fields_without_solving_are_refused(world):
    response = patch(world, world.agent1, world.ticket_a, {"priority": "high", "outcome": "solved"})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["outcome"]
    assert Ticket.objects.get(pk=world.ticket_a.pk).priority == "normal"


def test_admin_can_turn_the_requirement_off(world):
    outcome_settings_update(actor=world.admin, outcome_required=False)
    assert outcome_settings().outcome_required is False
    assert patch(world, world.agent1, world.ticket_a, {"status": "solved"}).status_code == 200
    assert not TicketOutcome.objects.exists()


def test_customer_marking_solved_says_solved_and_each_episode_gets_its_own(world):
    ticket_update(actor=world.customer_a.user, ticket=world.ticket_a, changes={"status": "solved"})
    ticket_update(actor=world.customer_a.user, ticket=world.ticket_a, changes={"status": "open"})
    ticket_update(actor=world.agent1, ticket=world.ticket_a, changes={"status": "solved"},
                  details={"outcome": "workaround"})
    assert list(TicketOutcome.objects.values_list("episode", "kind")) == [(1, "solved"), (2, "workaround")]


def test_bulk_update_takes_the_outcome_for_every_ticket(world):
    api = world.client_for(world.admin)
    response = api.post("/api/v1/tickets/bulk/", {"ids": [world.ticket_a.pk, world.ticket_b.pk],
                                                  "changes": {"status": "solved", "outcome": "solved"}}, format="json")
    assert response.status_code == 200, response.content
    assert TicketOutcome.objects.count() == 2
