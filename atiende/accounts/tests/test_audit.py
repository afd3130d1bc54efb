"""The audit log: who did what, from where, with the values before and after; append-only;
read by administrators only, in the API, the workspace page and as CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.test import Client

from atiende.accounts.services import agent_update
from atiende.core.audit import audit_record
from atiende.core.clock import frozen_at
from atiende.core.models import AuditEntry
from atiende.sla.models import Calendar
from atiende.sla.services.policies import policy_create, policy_update
from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def test_sign_ins_and_failures_are_recorded_with_address_and_browser_never_the_password(world):
    browser = Client(HTTP_USER_AGENT="Firefox/133 (pruebas)", REMOTE_ADDR="203.0.113.7")
    assert browser.post("/cuenta/entrar/", {"email": "uno@example.mx", "password": "wrong-password"}).status_code == 400
    assert browser.post("/cuenta/entrar/", {"email": "UNO@example.mx", "password": PASSWORD}).status_code == 302
    browser.post("/cuenta/salir/")
    failed, = _entries("auth.sign_in_failed")
    signed_in, = _entries("auth.sign_in")
    signed_out, = _entries("auth.sign_out")
    assert (failed.actor_id, failed.after, failed.ip) == (None, {"email": "uno@example.mx"}, "203.0.113.7")
    assert (signed_in.actor_id, signed_in.ip, signed_in.user_agent) == (world.agent1.pk, "203.0.113.7",
                                                                        "Firefox/133 (pruebas)")
    assert signed_out.actor_id == world.agent1.pk
    stored = json.dumps([[e.before, e.after, e.target_label] for e in AuditEntry.objects.all()])
    assert "wrong-password" not in stored and PASSWORD not in stored


def test_tokens_roles_and_policies_keep_before_and_after(world):
    api = Client()
    created = api.post("/api/v1/auth/token/", {"email": "dos@example.mx", "password": PASSWORD, "name": "Zapier"},
                       content_type="application/json")
    assert created.status_code in (200, 201), created.content
    token = _entries("token.created")[-1]
    assert (token.actor_id, token.after) == (world.agent2.pk, {"name": "Zapier"})
    assert created.json()["token"] not in json.dumps([token.before, token.after, token.target_label])

    agent_update(actor=world.admin, agent=world.agent1, role="supervisor")
    agent_update(actor=world.admin, agent=world.agent1, name="Ulises U.")  # not an access change: not logged
    changed, = _entries("agent.changed")
    assert (changed.actor_id, changed.target_id) == (world.admin.pk, str(world.agent1.pk))
    assert (changed.before["role"], changed.after["role"], changed.after["is_superuser"]) == ("agent", "supervisor", False)

    always = Calendar.objects.get(name="24/7")
    policy = policy_create(actor=world.admin, name="VIP", targets={"first_response": {"minutes": 60, "calendar": always.pk}})
    policy_update(actor=world.admin, policy=policy, changes={"targets": {"first_response": {"minutes": 30, "calendar": always.pk}}})
    first, second = _entries("sla_policy.changed")
    assert (first.before, first.after["targets"]) == (None, {"first_response": [60, always.pk]})
    assert (second.before["targets"], second.after["targets"]) == ({"first_response": [60, always.pk]},
                                                                   {"first_response": [30, always.pk]})


def test_changes_in_the_administration_site_are_logged(world):
    LogEntry.objects.log_actions(world.admin.pk, [world.team1], CHANGE, change_message=[{"changed": {"fields": ["Name"]}}])
    entry, = _entries("admin.changed")
    assert (entry.actor_id, entry.target_label, entry.after["what"], entry.after["model"]) == (
        world.admin.pk, str(world.team1), "changed", "team")


def test_the_log_is_append_only(world):
    entry = audit_record("data.exported", actor=world.admin, target=world.customer_a)
    entry.after = {"forged": True}
    for attempt in (entry.save, entry.delete, lambda: AuditEntry.objects.update(action="x"),
                    lambda: AuditEntry.objects.filter(pk=entry.pk).delete()):
        with pytest.raises(PermissionError):
            attempt()
    assert AuditEntry.objects.get(pk=entry.pk).after is None
    with pytest.raises(ValueError):
        audit_record("made.up", actor=world.admin)


def test_the_api_filters_for_admins_and_refuses_everyone_else(world):
    with frozen_at(datetime(2026, 1, 5, tzinfo=UTC)):
        audit_record("data.erased", actor=world.supervisor, target=world.customer_b)
    audit_record("data.exported", actor=world.admin, target=world.customer_a, after={"nombre": "Ana Álvarez"})
    api = world.client_for(world.admin)
    for query, expected in (("action=data", ["data.exported", "data.erased"]), ("action=data.erased", ["data.erased"]),
                            (f"actor={world.supervisor.pk}&action=data", ["data.erased"]),
                            ("action=data&since=2026-06-01T00:00:00Z", ["data.exported"])):
        response = api.get(f"/api/v1/audit-log/?{query}")
        assert response.status_code == 200, (query, response.content)
        assert [row["action"] for row in response.json()["results"]] == expected, query
    for query, field in (("action=nope", "action"), ("actor=abc", "actor"), ("since=ayer", "since")):
        response = api.get(f"/api/v1/audit-log/?{query}")
        assert response.status_code == 400 and field in response.json()["error"]["fields"], query
    for user in (world.supervisor, world.agent1, world.customer_a.user):
        assert world.client_for(user).get("/api/v1/audit-log/").status_code == 403


def test_csv_exports_open_with_accents_intact(world):
    audit_record("data.exported", actor=world.admin, target=world.customer_a, after={"nombre": "Ana Álvarez"})
    response = world.client_for(world.admin).get("/api/v1/audit-log/?action=data&format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    header, row = list(csv.reader(io.StringIO(text[1:])))
    assert header[:3] == ["id", "created_at", "action"]
    assert json.loads(row[header.index("after")]) == {"nombre": "Ana Álvarez"}

    page = Client()
    page.force_login(world.admin, backend="atiende.accounts.backends.EmailBackend")
    assert "Ana Álvarez" in page.get("/bandeja/auditoria/?accion=data.exported").content.decode()
    download = page.get("/bandeja/auditoria/?accion=data.exported&formato=csv")
    assert download.content.decode("utf-8").startswith("\ufeff") and "Ana Álvarez" in download.content.decode()
    other = Client()
    other.force_login(world.supervisor, backend="atiende.accounts.backends.EmailBackend")
    assert other.get("/bandeja/auditoria/").status_code == 404


def test_two_step_verification_events_are_recorded(world):
    import time

    from atiende.signin import services as signin
    from atiende.signin.totp import code_at

    device = signin.totp_enrol_start(user=world.agent1)
    codes = signin.totp_enrol_confirm(user=world.agent1, code=code_at(device.key, time.time()), client_ip="198.51.100.4")
    assert signin.second_factor_verify(user=world.agent1, code=codes[0], client_ip="198.51.100.4") == "recovery"
    signin.two_factor_reset(actor=world.admin, user_id=world.agent1.pk)
    recorded = [(e.action, e.actor_id) for e in AuditEntry.objects.filter(action__startswith="auth.").order_by("id")]
    assert recorded == [("auth.2fa_enabled", world.agent1.pk), ("auth.recovery_code_used", world.agent1.pk),
                        ("auth.2fa_reset", world.admin.pk)]
