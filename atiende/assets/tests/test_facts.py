"""The warranty of what a ticket is about, as a fact SLA policies, routing rules and triggers name
(tickets/facts.py, assets/facts.py), through the real services on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.utils import translation

from atiende.assets.services import (
    asset_create,
    asset_link,
    asset_unlink,
    product_create,
    warranty_add,
)
from atiende.automation.conditions import validate
from atiende.automation.models import Event, Trigger
from atiende.core.clock import frozen_at
from atiende.core.exceptions import Invalid
from atiende.portal.services import request_create
from atiende.routing.services.configuration import rule_create
from atiende.sla.models import Calendar
from atiende.sla.services.policies import policy_create
from atiende.tickets.facts import facts_of
from atiende.tickets.models import Ticket, TicketEvent
from atiende.tickets.selectors import event_text
from atiende.tickets.services import ticket_create

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 1, 18, 0, tzinfo=UTC)  # noon of 1 June 2026 in Mexico City


@pytest.fixture(autouse=True)
def _frozen():
    with frozen_at(NOW):
        yield


@pytest.fixture
def owned(world):
    router = product_create(actor=world.admin, name="Módem 4G", kind="device", warranty_months=12)
    covered = asset_create(actor=world.agent1, product=router, customer=world.customer_a, identifier="SN-NEW",
                           purchased_on=date(2026, 1, 10))
    extended = asset_create(actor=world.agent1, product=router, customer=world.customer_a, identifier="SN-EXT",
                            purchased_on=date(2024, 1, 10))
    warranty_add(actor=world.agent1, asset=extended, starts_on=date(2025, 1, 10), ends_on=date(2027, 1, 9))
    expired = asset_create(actor=world.agent1, product=router, customer=world.customer_a, identifier="SN-OLD",
                           purchased_on=date(2023, 1, 1))
    return {"covered": covered, "extended": extended, "expired": expired}


def _ticket(world) -> Ticket:
    return ticket_create(actor=world.agent1, subject="El módem no enciende", body="Desde ayer",
                         requester=world.customer_a, team=world.team1)


def _warranty_policies(world):
    always = Calendar.objects.get(name="24/7")
    covered = policy_create(actor=world.admin, name="En garantía", position=1,
                            conditions={"warranty": ["standard", "extended"]},
                            targets={"first_response": {"minutes": 60, "calendar": always.pk}})
    general = policy_create(actor=world.admin, name="General", position=2,
                            targets={"first_response": {"minutes": 480, "calendar": always.pk}})
    return covered, general


def test_the_fact_is_the_best_coverage_of_the_linked_products_and_history_says_so(world, owned):
    ticket = _ticket(world)
    assert facts_of(ticket, ["warranty"]) == {"warranty": "none"}
    seen = []
    for name in ("expired", "extended", "covered"):
        asset_link(actor=world.agent1, ticket=ticket, asset=owned[name])
        seen.append(facts_of(ticket)["warranty"])
    asset_unlink(actor=world.agent1, ticket=ticket, asset=owned["covered"])
    seen.append(facts_of(ticket)["warranty"])
    assert seen == ["expired", "extended", "standard", "extended"]
    event = TicketEvent.objects.filter(ticket=ticket, field="warranty").order_by("-id").first()
    with translation.override("en"):
        assert event_text(event).endswith(": Under extended warranty (was: Under standard warranty).")


def test_linking_a_covered_product_moves_the_ticket_to_the_warranty_sla_policy(world, owned):
    covered, general = _warranty_policies(world)
    ticket = _ticket(world)
    assert Ticket.objects.get(pk=ticket.pk).sla_policy == general
    asset_link(actor=world.agent1, ticket=ticket, asset=owned["expired"])
    assert Ticket.objects.get(pk=ticket.pk).sla_policy == general
    asset_link(actor=world.agent1, ticket=ticket, asset=owned["extended"])
    assert Ticket.objects.get(pk=ticket.pk).sla_policy == covered


def test_a_portal_request_about_a_product_is_routed_and_timed_by_its_warranty_from_the_start(world, owned):
    covered_policy, general = _warranty_policies(world)
    rule_create(actor=world.admin, values={
        "name": "Fuera de garantía a ventas", "active": True, "team": world.team2, "languages": [], "segments": [],
        "channels": [], "keywords": [], "sectors": [], "plans": [], "field_key": "", "field_value": "", "skill": None,
        "min_level": 1, "facts": {"warranty": ["expired"]}})
    user = world.customer_a.user
    about_old = request_create(actor=user, subject="Se apaga solo", description="Cada hora",
                               asset_id=owned["expired"].pk)
    about_new = request_create(actor=user, subject="Se apaga solo", description="Cada hora",
                               asset_id=owned["covered"].pk)
    about_old, about_new = Ticket.objects.get(pk=about_old.pk), Ticket.objects.get(pk=about_new.pk)
    assert (about_old.team_id, about_old.sla_policy) == (world.team2.pk, general)
    assert about_new.team_id != world.team2.pk and about_new.sla_policy == covered_policy
    # Known at creation: no change of warranty is recorded after it.
    assert not TicketEvent.objects.filter(ticket__in=[about_old, about_new], field="warranty").exists()


def test_a_trigger_reacts_when_the_warranty_changes(world, owned):
    Trigger.objects.create(name="Fuera de garantía", event=Event.FACT_CHANGED, position=1,
                           conditions={"all": [{"field": "warranty", "op": "changed_to", "value": "expired"}]},
                           actions=[{"type": "add_tags", "value": ["fuera-de-garantia"]}])
    ticket = _ticket(world)
    asset_link(actor=world.agent1, ticket=ticket, asset=owned["covered"])
    assert not ticket.tags.exists()
    asset_unlink(actor=world.agent1, ticket=ticket, asset=owned["covered"])
    asset_link(actor=world.agent1, ticket=ticket, asset=owned["expired"])
    assert list(ticket.tags.values_list("name", flat=True)) == ["fuera-de-garantia"]


def test_rules_may_name_only_facts_and_values_that_exist(world):
    assert validate({"all": [{"field": "warranty", "op": "is", "value": "standard"}]}) == {}
    assert "conditions.all[0].field" in validate({"all": [{"field": "warranti", "op": "is", "value": "x"}]})
    always = Calendar.objects.get(name="24/7")
    for conditions in ({"warranty": ["forever"]}, {"warranty": "standard"}):
        with pytest.raises(Invalid) as refused:
            policy_create(actor=world.admin, name="Mala", conditions=conditions,
                          targets={"first_response": {"minutes": 60, "calendar": always.pk}})
        assert "conditions.warranty" in refused.value.fields
    base = {"name": "R", "active": True, "team": world.team2, "languages": [], "segments": [], "channels": [],
            "keywords": [], "sectors": [], "plans": [], "field_key": "", "field_value": "", "skill": None,
            "min_level": 1}
    for facts, field in (({"warranty": ["forever"]}, "warranty"), ({"colour": ["red"]}, "facts")):
        with pytest.raises(Invalid) as refused:
            rule_create(actor=world.admin, values={**base, "facts": facts})
        assert field in refused.value.fields


def test_the_api_shows_and_takes_the_warranty_condition_of_a_policy(world):
    always = Calendar.objects.get(name="24/7")
    api = world.client_for(world.admin)
    response = api.post("/api/v1/sla-policies/", {
        "name": "Garantía", "conditions": {"warranty": ["standard"]},
        "targets": {"first_response": {"minutes": 60, "calendar": always.pk}}}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["conditions"]["warranty"] == ["standard"]
    bad = api.post("/api/v1/sla-policies/", {
        "name": "Otra", "conditions": {"warranty": ["siempre"]},
        "targets": {"first_response": {"minutes": 60, "calendar": always.pk}}}, format="json")
    assert bad.status_code == 400 and "conditions.warranty" in bad.json()["error"]["fields"]
