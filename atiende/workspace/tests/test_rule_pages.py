"""The triggers and time rules pages: admins only, one-click toggle, field-named JSON errors, the
dry run and the per-rule history."""

import json

import pytest
from django.test import Client

from atiende.automation.models import Event, RuleRun, TimeRule, Trigger
from atiende.tickets.services import ticket_create

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_only_admins_reach_the_pages(world):
    rule = Trigger.objects.create(name="Secreta", event=Event.CREATED, actions=[{"type": "add_tags", "value": ["x"]}])
    for user in (world.agent1, world.supervisor):
        client = _client(user)
        assert client.get("/bandeja/reglas/").status_code == 404
        assert client.get(f"/bandeja/reglas/disparadores/{rule.pk}/").status_code == 404
        assert client.post(f"/bandeja/reglas/disparadores/{rule.pk}/activar/").status_code == 404
    assert Trigger.objects.get(pk=rule.pk).active
    page = _client(world.admin).get("/bandeja/reglas/")
    assert page.status_code == 200 and b"Secreta" in page.content


def test_toggle_create_with_errors_naming_the_field_then_save(world):
    admin = _client(world.admin)
    rule = TimeRule.objects.create(name="Espera", after_minutes=60, actions=[{"type": "note", "value": "hola"}])
    assert admin.post(f"/bandeja/reglas/temporales/{rule.pk}/activar/").status_code == 302
    assert TimeRule.objects.get(pk=rule.pk).active is False
    bad = admin.post("/bandeja/reglas/disparadores/nueva/", {
        "name": "Caídas", "event": "ticket.created", "active": "on",
        "conditions": json.dumps({"all": [{"field": "subject", "op": "huele_a", "value": "caído"}]}),
        "actions": "[{"})
    assert bad.status_code == 400 and b"actions" in bad.content
    bad = admin.post("/bandeja/reglas/disparadores/nueva/", {
        "name": "Caídas", "event": "ticket.created", "active": "on",
        "conditions": json.dumps({"all": [{"field": "subject", "op": "huele_a", "value": "caído"}]}),
        "actions": json.dumps([{"type": "set", "field": "priority", "value": "urgent"}])})
    assert bad.status_code == 400 and b"conditions.all[0].op" in bad.content
    assert not Trigger.objects.exists()
    good = admin.post("/bandeja/reglas/disparadores/nueva/", {
        "name": "Caídas", "event": "ticket.created", "active": "on",
        "conditions": json.dumps({"all": [{"field": "subject", "op": "contains", "value": "caido"}]}),
        "actions": json.dumps([{"type": "set", "field": "priority", "value": "urgent"}])})
    assert good.status_code == 302
    assert Trigger.objects.get().conditions["all"][0]["op"] == "contains"


def test_dry_run_lists_matches_and_history_lists_runs(world):
    rule = Trigger.objects.create(name="Caídas", event=Event.CREATED,
                                  conditions={"all": [{"field": "subject", "op": "contains", "value": "caido"}]},
                                  actions=[{"type": "set", "field": "priority", "value": "urgent"}])
    ticket = ticket_create(actor=world.customer_a.user, subject="Todo está caído", body="x")
    assert RuleRun.objects.filter(trigger=rule).count() == 1
    admin = _client(world.admin)
    before = RuleRun.objects.count()
    dry = admin.post(f"/bandeja/reglas/disparadores/{rule.pk}/probar/")
    assert dry.status_code == 200 and f"#{ticket.number}".encode() in dry.content
    assert RuleRun.objects.count() == before
    page = admin.get(f"/bandeja/reglas/disparadores/{rule.pk}/")
    assert page.status_code == 200 and f"/tickets/{ticket.number}/".encode() in page.content


def test_odd_numbers_in_the_form_are_field_errors_not_500s(world):
    admin = _client(world.admin)
    rule = TimeRule.objects.create(name="Espera", after_minutes=60, actions=[{"type": "note", "value": "hola"}])
    for minutes, position in (("²", "1"), ("60", "٣"), ("9" * 40, "1"), ("60", "1" * 40)):
        response = admin.post(f"/bandeja/reglas/temporales/{rule.pk}/", {
            "name": "Espera", "after_minutes": minutes, "position": position, "since": "updated",
            "actions": json.dumps([{"type": "note", "value": "hola"}])})
        assert response.status_code == 400
    assert TimeRule.objects.get(pk=rule.pk).after_minutes == 60
