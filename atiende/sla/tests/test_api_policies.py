"""Policies, a ticket's SLA, attainment and the customer's promise through the API."""


import pytest
from django.core import mail

from atiende.core.clock import frozen_at
from atiende.sla.models import Calendar, Policy
from atiende.sla.tests.conftest import cdmx
from atiende.tickets.services import message_create, ticket_create

pytestmark = pytest.mark.django_db


def standard_payload(office: Calendar, **extra) -> dict:
    return {
        "name": "Estándar", "position": 10,
        "conditions": {"segments": ["pyme", "enterprise"], "priorities": []},
        "targets": {"first_response": {"minutes": 60, "calendar": office.pk},
                    "resolution": {"minutes": 960, "calendar": office.pk}},
        "actions": {"warn_at_percent": 80, "escalate_on_breach": True},
        **extra,
    }


def test_supervisor_creates_reads_previews_updates_and_deletes_a_policy(world, office):
    api = world.client_for(world.supervisor)
    created = api.post("/api/v1/sla-policies/", standard_payload(office), format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["conditions"]["segments"] == ["pyme", "enterprise"] and body["conditions"]["organizations"] == []
    assert body["targets"]["first_response"] == {"minutes": 60, "calendar": office.pk}
    assert body["actions"]["warn_at_percent"] == 80 and body["actions"]["escalate_on_breach"] is True
    url = f"/api/v1/sla-policies/{body['id']}/"

    preview = api.get(url + "preview/", {"arrival": "2026-11-13T17:55:00-06:00"})
    assert preview.json()["due"] == {
        "first_response": "2026-11-17T09:55:00-06:00",  # Monday 16 is a holiday
        "resolution": "2026-11-18T17:55:00-06:00",
    }
    changed = api.patch(url, {"targets": {"first_response": {"minutes": 30, "calendar": office.pk}}}, format="json")
    assert changed.status_code == 200 and list(changed.json()["targets"]) == ["first_response"]
    assert api.delete(url).status_code == 204
    assert not Policy.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"targets": {}}, "targets"),
        ({"targets": {"first_reply": {"minutes": 5, "calendar": 1}}}, "targets.first_reply"),
        ({"targets": {"resolution": {"minutes": 0, "calendar": 1}}}, "targets.resolution.minutes"),
        ({"targets": {"resolution": {"minutes": 60, "calendar": 999}}}, "targets.resolution.calendar"),
        ({"conditions": {"priorities": ["critical"]}}, "conditions.priorities"),
        ({"conditions": {"organizations": [999]}}, "conditions.organizations"),
        ({"conditions": {"weekday": ["mon"]}}, "conditions.weekday"),
        ({"actions": {"warn_at_percent": 100}}, "actions.warn_at_percent"),
        ({"actions": {"page_the_ceo": True}}, "actions.page_the_ceo"),
        ({"name": " "}, "name"),
    ],
)
def test_invalid_policies_are_refused_naming_the_field(world, office, change, field):
    api = world.client_for(world.admin)
    response = api.post("/api/v1/sla-policies/", {**standard_payload(office), **change}, format="json",
                        HTTP_ACCEPT_LANGUAGE="es-mx")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert not Policy.objects.exists()


def test_agents_read_policies_but_only_supervisors_change_them_and_customers_see_none(world, office):
    world.client_for(world.admin).post("/api/v1/sla-policies/", standard_payload(office), format="json")
    policy = Policy.objects.get()
    agent = world.client_for(world.agent1)
    assert len(agent.get("/api/v1/sla-policies/").json()["results"]) == 1
    assert agent.patch(f"/api/v1/sla-policies/{policy.pk}/", {"name": "Mía"}, format="json").status_code == 403
    assert agent.post("/api/v1/sla-policies/", standard_payload(office, name="Otra"), format="json").status_code == 403
    customer = world.client_for(world.customer_a.user)
    assert customer.get("/api/v1/sla-policies/").json()["results"] == []
    assert customer.get(f"/api/v1/sla-policies/{policy.pk}/").status_code == 404
    assert customer.get("/api/v1/sla-attainment/").status_code == 403
    assert agent.get("/api/v1/sla-attainment/").status_code == 403


def test_ticket_resource_shows_sla_to_agents_and_sorts_by_next_deadline(world, office):
    world.client_for(world.admin).post("/api/v1/sla-policies/", standard_payload(office), format="json")
    with frozen_at(cdmx(17, 9, 0)):
        later = ticket_create(actor=world.agent1, subject="Después", body="x", requester=world.customer_a, team=world.team1)
    with frozen_at(cdmx(17, 8, 0)):
        sooner = ticket_create(actor=world.agent1, subject="Antes", body="x", requester=world.customer_a, team=world.team1)
    api = world.client_for(world.agent1)
    with frozen_at(cdmx(17, 9, 50)):
        rows = api.get("/api/v1/tickets/", {"ordering": "sla_due_at"}).json()["results"]
        detail = api.get(f"/api/v1/tickets/{later.pk}/sla/").json()
    # Opening time is 09:00 for both; "sooner" arrived first but both start counting at 09:00.
    assert [row["id"] for row in rows] == sorted([sooner.pk, later.pk])
    first = rows[0]["sla"]
    assert first["state"] == "warning" and first["due_at"] == "2026-11-17T16:00:00Z"
    assert first["policy"]["name"] == "Estándar"
    assert [c["metric"] for c in detail["clocks"]] == ["first_response", "resolution"]
    assert detail["clocks"][0]["business_minutes"] == 50 and detail["state"] == "warning"
    customer_rows = world.client_for(world.customer_a.user).get("/api/v1/tickets/").json()["results"]
    assert all(row["sla"] is None for row in customer_rows)


def test_attainment_per_team_for_supervisors(world, office):
    world.client_for(world.admin).post("/api/v1/sla-policies/", standard_payload(office), format="json")
    for hour in (9, 10):  # one answered after 30 minutes (met), one after 90 (missed)
        with frozen_at(cdmx(17, 9, 0)):
            ticket = ticket_create(actor=world.agent1, subject="Caso", body="x", requester=world.customer_a, team=world.team1)
        with frozen_at(cdmx(17, hour, 30)):
            message_create(actor=world.agent1, ticket=ticket, body="Respuesta")
    with frozen_at(cdmx(18, 9, 0)):
        response = world.client_for(world.supervisor).get("/api/v1/sla-attainment/", {"group_by": "team"})
    assert response.json()["results"] == [
        {"id": world.team1.pk, "name": "Soporte general", "metric": "first_response", "met": 1, "breached": 1,
         "percent": 50.0},
    ]


def test_customer_is_promised_an_answer_in_spanish_and_told_when_we_are_closed(
    world, office, django_capture_on_commit_callbacks
):
    world.client_for(world.admin).post("/api/v1/sla-policies/", standard_payload(office), format="json")
    world.customer_a.language, world.customer_a.time_zone = "es-mx", "America/Mexico_City"
    world.customer_a.save()
    customer = world.customer_a.user
    customer.language = "es-mx"
    customer.save()
    with frozen_at(cdmx(13, 19, 30)):  # Friday evening, after hours
        with django_capture_on_commit_callbacks(execute=True):
            ticket = ticket_create(actor=customer, subject="No puedo entrar a mi correo", body="Desde hoy")
        promise = world.client_for(customer).get(f"/api/v1/tickets/{ticket.pk}/sla/").json()["promise"]
    assert promise["text"] == (
        "Recibimos tu mensaje fuera de nuestro horario de atención: una persona lo leerá a partir del "
        "martes 17 de noviembre a las 09:00, y te responderemos antes del martes 17 de noviembre a las 10:00, "
        "hora del centro."
    )
    assert "clocks" not in world.client_for(customer).get(f"/api/v1/tickets/{ticket.pk}/sla/").json()
    acknowledgement = mail.outbox[-1]
    assert acknowledgement.to == ["ana@tienda-a.mx"] and f"[{ticket.reference}]" in acknowledgement.subject
    assert promise["text"] in acknowledgement.body
    assert acknowledgement.extra_headers["Auto-Submitted"] == "auto-replied"


def test_promise_during_business_hours_in_english_and_the_customers_zone(world, office):
    world.client_for(world.admin).post("/api/v1/sla-policies/", standard_payload(office), format="json")
    with frozen_at(cdmx(17, 10, 0)):
        ticket = ticket_create(actor=world.agent1, subject="DNS", body="x", requester=world.customer_a, team=world.team1)
    world.customer_a.time_zone = "America/Tijuana"
    world.customer_a.save()
    agent = world.client_for(world.agent1)
    with frozen_at(cdmx(17, 10, 5)):
        promise = agent.get(f"/api/v1/tickets/{ticket.pk}/sla/", HTTP_ACCEPT_LANGUAGE="en").json()["promise"]
    assert promise["text"] == "We will answer before Tuesday, November 17 at 09:00, Northwest time."
    assert promise["opens_at"] is None


def test_a_tickets_sla_follows_the_tickets_visibility(world, office):
    world.client_for(world.admin).post("/api/v1/sla-policies/", standard_payload(office), format="json")
    url = f"/api/v1/tickets/{world.ticket_a.pk}/sla/"
    assert world.client_for(world.customer_b.user).get(url).status_code == 404
    assert world.client_for(world.agent2).get(url).status_code == 404  # team 2 only; ticket A is team 1's
    assert world.client_for(None).get(url).status_code == 401
    assert world.client_for(world.colleague_a.user).get(url).status_code == 404  # same org, not an org admin
    assert world.client_for(world.org_admin_a.user).get(url).status_code == 200


def test_a_late_ticket_is_not_promised_a_time_already_gone(world, office):
    world.client_for(world.admin).post("/api/v1/sla-policies/", standard_payload(office), format="json")
    with frozen_at(cdmx(17, 10, 0)):
        ticket = ticket_create(actor=world.agent1, subject="DNS", body="x", requester=world.customer_a, team=world.team1)
    with frozen_at(cdmx(17, 12, 0)):  # the first response was due at 11:00
        promise = world.client_for(world.agent1).get(f"/api/v1/tickets/{ticket.pk}/sla/", HTTP_ACCEPT_LANGUAGE="en").json()["promise"]
    assert promise["text"] == "We are taking longer than we promised. A person from our team is on it and will answer you here."
    assert promise["expected_by"] == "2026-11-17T17:00:00+00:00"


def test_impossible_dates_and_out_of_range_ids_are_a_400(world, office):
    api = world.client_for(world.admin)
    policy = api.post("/api/v1/sla-policies/", standard_payload(office), format="json").json()
    assert api.get(f"/api/v1/sla-policies/{policy['id']}/preview/", {"arrival": "2026-13-45T10:00:00Z"}).status_code == 400
    assert api.get("/api/v1/sla-attainment/", {"since": "2026-02-30T00:00:00Z"}).status_code == 400
    assert api.get("/api/v1/tickets/", {"updated_since": "2026-02-30T00:00:00Z"}).status_code == 400
    huge = 2**70
    for change in ({"conditions": {"organizations": [huge]}}, {"targets": {"resolution": {"minutes": 5, "calendar": huge}}}):
        response = api.post("/api/v1/sla-policies/", {**standard_payload(office, name="Otra"), **change}, format="json")
        assert response.status_code == 400, response.content
