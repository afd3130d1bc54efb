"""The Django admin saves through the same services as the API (issue 18): an edited calendar
re-times running SLA clocks, an organization's new plan re-checks its tickets' SLA, an agent's
superuser flag follows the role, and a refusal of the service is a message, never a 500."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.test import Client

from atiende.accounts.models import User
from atiende.core import clock
from atiende.core.models import AuditEntry
from atiende.customers.models import Organization, SupportPlan
from atiende.sla.models import Calendar, Clock, Metric
from atiende.sla.services.policies import policy_create
from atiende.tickets.services import ticket_create

pytestmark = pytest.mark.django_db


def _admin(world) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.admin, backend="atiende.accounts.backends.EmailBackend")
    return client


def _form(client: Client, url: str, **changes) -> dict:
    """The admin change form's current values with `changes`: what a person saving it posts."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, dict | list):
            value = json.dumps(value)  # a JSON field's text, as the form shows it
        data[name] = getattr(value, "pk", value) if value is not None else ""
    data.update(changes)
    return data


def test_an_organizations_new_plan_in_the_admin_moves_its_tickets_to_the_plans_policy(
        world, django_capture_on_commit_callbacks):
    always = Calendar.objects.get(name="24/7")
    premium = SupportPlan.objects.create(name="Premium")
    policy_create(actor=world.admin, name="Premium", position=1, conditions={"support_plans": [premium.pk]},
                  targets={"first_response": {"minutes": 15, "calendar": always.pk}})
    general = policy_create(actor=world.admin, name="General", position=2,
                            targets={"first_response": {"minutes": 480, "calendar": always.pk}})
    ticket = ticket_create(actor=world.agent1, subject="Caída", body="No abre", requester=world.customer_a)
    ticket.refresh_from_db()
    assert ticket.sla_policy == general
    admin = _admin(world)
    url = f"/admin/customers/organization/{world.org_a.pk}/change/"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(url, _form(admin, url, support_plan=premium.pk))
    assert response.status_code == 302, response.content[:500]
    ticket.refresh_from_db()
    assert (Organization.objects.get(pk=world.org_a.pk).support_plan, ticket.sla_policy.name) == (premium, "Premium")


def test_a_calendar_edited_in_the_admin_retimes_running_clocks(world, django_capture_on_commit_callbacks):
    """At 9:30 in Mexico City an hour's first response is due 10:30 there; moved to Tijuana (two
    hours behind, so 7:30 and closed) it is due at 10:00 Tijuana. Pinned: at mid-morning both
    offices are open and the due instant would be the same."""
    office = Calendar.objects.get(name="Horario de oficina (CDMX)")
    policy_create(actor=world.admin, name="Oficina", targets={"first_response": {"minutes": 60, "calendar": office.pk}})
    monday_0930_cdmx = datetime(2027, 1, 11, 15, 30, tzinfo=UTC)
    with clock.frozen_at(monday_0930_cdmx):
        ticket = ticket_create(actor=world.agent1, subject="Factura", body="Duplicada", requester=world.customer_a)
        assert Clock.objects.get(ticket=ticket, metric=Metric.FIRST_RESPONSE).due_at == datetime(2027, 1, 11, 16, 30,
                                                                                                   tzinfo=UTC)
        admin = _admin(world)
        url = f"/admin/sla/calendar/{office.pk}/change/"
        data = _form(admin, url, time_zone="America/Tijuana")
        with django_capture_on_commit_callbacks(execute=True):
            response = admin.post(url, data)
    assert response.status_code == 302, response.content[:800]
    assert Clock.objects.get(ticket=ticket, metric=Metric.FIRST_RESPONSE).due_at == datetime(2027, 1, 11, 18, 0,
                                                                                               tzinfo=UTC)


def test_an_agents_superuser_flag_follows_the_role_and_the_change_is_audited(world):
    admin = _admin(world)
    url = f"/admin/accounts/user/{world.agent1.pk}/change/"
    form = admin.get(url).context["adminform"].form
    assert "is_superuser" not in form.fields  # shown, never edited by hand
    assert admin.post(url, _form(admin, url, role="admin")).status_code == 302
    assert User.objects.get(pk=world.agent1.pk).is_superuser is True
    assert admin.post(url, _form(admin, url, role="agent", is_superuser="on")).status_code == 302
    assert User.objects.get(pk=world.agent1.pk).is_superuser is False
    roles = [(e.before["role"], e.after["role"]) for e in AuditEntry.objects.filter(action="agent.changed").order_by("id")]
    assert roles == [("agent", "admin"), ("admin", "agent")]
    customer_login = world.customer_a.user
    assert admin.get(f"/admin/accounts/user/{customer_login.pk}/change/").status_code in (200, 403)
    assert admin.post(f"/admin/accounts/user/{customer_login.pk}/change/", {"name": "Otro"}).status_code == 403
    assert User.objects.get(pk=customer_login.pk).name != "Otro"


def test_a_refusal_of_the_service_is_a_message_and_nothing_is_saved(world):
    admin = _admin(world)
    response = admin.post("/admin/accounts/user/add/", {"email": "cliente@example.mx", "name": "Cliente",
                                                        "kind": "customer", "role": "", "is_active": "on"},
                          follow=True)
    assert response.status_code == 200
    assert "Only agents are created here" in response.content.decode()
    assert not User.objects.filter(email="cliente@example.mx").exists()
