"""The rule endpoints: shape from the issue, field-named 400s, dry runs that write nothing."""

import json

import pytest

from atiende.automation.models import Trigger
from atiende.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db

ISSUE_EXAMPLE = {
    "name": "Caídas a urgente", "event": "ticket.created", "active": True, "position": 10,
    "conditions": {"all": [{"field": "subject", "op": "contains", "value": "caído"}], "any": []},
    "actions": [{"type": "set", "field": "priority", "value": "urgent"}, {"type": "add_tags", "value": ["caida"]}],
}


def test_create_read_disable_delete(world):
    api = world.client_for(world.admin)
    created = api.post("/api/v1/triggers/", ISSUE_EXAMPLE, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert {k: body[k] for k in ISSUE_EXAMPLE} == ISSUE_EXAMPLE
    rule_id = body["id"]
    assert api.patch(f"/api/v1/triggers/{rule_id}/", {"active": False}, format="json").json()["active"] is False
    assert [r["id"] for r in api.get("/api/v1/triggers/").json()["results"]] == [rule_id]
    assert api.delete(f"/api/v1/triggers/{rule_id}/").status_code == 204
    assert api.get(f"/api/v1/triggers/{rule_id}/").status_code == 404
    assert api.get("/api/v1/triggers/99999999999999999999/").status_code == 404


def test_malformed_rules_are_400_naming_the_field(world):
    api = world.client_for(world.admin)
    bad = {**ISSUE_EXAMPLE, "conditions": {"all": [{"field": "subject", "op": "eval", "value": "x"}]},
           "actions": [{"type": "set", "field": "requester", "value": 1}]}
    response = api.post("/api/v1/triggers/", bad, format="json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"conditions.all[0].op", "actions[0].field"}
    assert api.post("/api/v1/triggers/", {**ISSUE_EXAMPLE, "event": "nope"}, format="json").status_code == 400
    assert api.post("/api/v1/triggers/", {**ISSUE_EXAMPLE, "conditions": "x"}, format="json").status_code == 400
    assert api.post("/api/v1/time-rules/", {"name": "t", "after_minutes": 0, "actions": []}, format="json").json()[
        "error"]["fields"].keys() >= {"after_minutes"}
    assert api.post("/api/v1/time-rules/", {"name": "t", "after_minutes": 5, "calendar": 999999,
                                            "actions": [{"type": "note", "value": "x"}]}, format="json").json()[
        "error"]["fields"] == {"calendar": "Unknown calendar."}
    assert not Trigger.objects.exists()


def test_dry_run_lists_matches_and_writes_nothing(world):
    api = world.client_for(world.admin)
    rule = api.post("/api/v1/triggers/", {**ISSUE_EXAMPLE, "conditions": {"all": [
        {"field": "subject", "op": "contains", "value": "FACTURA"}]}}, format="json").json()
    events = TicketEvent.objects.count()
    response = api.post(f"/api/v1/triggers/{rule['id']}/dry-run/")
    assert response.status_code == 200
    matches = response.json()["matches"]
    assert [m["id"] for m in matches] == [world.ticket_b.pk]
    assert matches[0]["changes"] == ["priority → urgent", "+caida"]
    assert TicketEvent.objects.count() == events
    assert Ticket.objects.get(pk=world.ticket_b.pk).priority == "normal"
    time_rule = api.post("/api/v1/time-rules/", {"name": "t", "after_minutes": 5, "status": "open",
                                                 "actions": [{"type": "note", "value": "x"}]}, format="json")
    assert time_rule.status_code == 201, time_rule.content
    assert api.post(f"/api/v1/time-rules/{time_rule.json()['id']}/dry-run/").json() == {"matches": []}



def test_a_nul_anywhere_in_a_rule_is_a_400_on_the_api_and_on_the_page(world):
    from django.test import Client

    from atiende.automation.models import Trigger

    api = world.client_for(world.admin)
    page = Client()
    page.force_login(world.admin)
    for body, field in ((dict(name="a\x00b"), "name"),
                        (dict(conditions={"all": [{"field": "subject", "op": "contains", "value": "x\x00"}]}), "conditions"),
                        (dict(actions=[{"type": "note", "value": "hola\x00"}]), "actions")):
        rule = {"name": "Regla", "event": "ticket.created", "actions": [{"type": "note", "value": "hola"}], **body}
        assert api.post("/api/v1/triggers/", rule, format="json").status_code == 400
        form = {key: json.dumps(value) if key in ("conditions", "actions") else value for key, value in rule.items()}
        response = page.post("/bandeja/reglas/disparadores/nueva/", form)
        assert response.status_code == 400
        assert f"<code>{field}</code>".encode() in response.content
    assert not Trigger.objects.exists()
