"""SLA on pages: badges and sorting on the ticket list, attainment for supervisors, admin preview."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from atiende.core.clock import frozen_at
from atiende.sla.models import Calendar, Policy
from atiende.sla.services.policies import policy_create
from atiende.tickets.services import message_create, ticket_create

pytestmark = pytest.mark.django_db
BACKEND = "atiende.accounts.backends.EmailBackend"
NOW = datetime(2026, 11, 18, 16, 0, tzinfo=UTC)


def browser(user) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


@pytest.fixture
def policy(world) -> Policy:
    always = Calendar.objects.get(name="24/7")
    return policy_create(actor=world.admin, name="Rápida", targets={"first_response": {"minutes": 120, "calendar": always.pk}})


def test_agents_see_badges_with_time_left_and_can_sort_by_deadline(world, policy):
    with frozen_at(NOW - timedelta(minutes=150)):
        late = ticket_create(actor=world.agent1, subject="Atrasado", body="x", requester=world.customer_a, team=world.team1)
    with frozen_at(NOW - timedelta(minutes=10)):
        ticket_create(actor=world.agent1, subject="A tiempo", body="x", requester=world.customer_a, team=world.team1)
    with frozen_at(NOW):
        html = browser(world.agent1).get("/tickets/?orden=sla", HTTP_ACCEPT_LANGUAGE="es-mx", follow=True).content.decode()
        customer_html = browser(world.customer_a.user).get("/tickets/", follow=True).content.decode()
    assert '<span class="sla sla-breached"' in html and "30 min de retraso" in html
    assert '<span class="sla sla-ok"' in html and "1 h 50 min restantes" in html
    assert html.index("Atrasado") < html.index("A tiempo") and late.subject in html
    assert "sla-" not in customer_html


def test_supervisors_see_attainment_and_agents_do_not(world, policy):
    with frozen_at(NOW - timedelta(hours=3)):
        ticket = ticket_create(actor=world.agent1, subject="Caso", body="x", requester=world.customer_a, team=world.team1)
    with frozen_at(NOW - timedelta(hours=2)):
        message_create(actor=world.agent1, ticket=ticket, body="Listo")
    with frozen_at(NOW):
        page = browser(world.supervisor).get("/sla/cumplimiento/?por=team", HTTP_ACCEPT_LANGUAGE="es-mx")
        assert browser(world.agent1).get("/sla/cumplimiento/").status_code == 404
    html = page.content.decode()
    assert page.status_code == 200 and "Soporte general" in html and "100.0 %" in html


def test_admin_policy_page_previews_due_dates(world, policy):
    html = browser(world.admin).get(f"/admin/sla/policy/{policy.pk}/change/").content.decode()
    assert "would be due" in html or "vencería" in html
    add = browser(world.admin).get("/admin/sla/policy/add/")
    assert add.status_code == 200


def test_admin_calendar_page_previews_due_dates(world):
    office = Calendar.objects.get(name="Horario de oficina (CDMX)")
    html = browser(world.admin).get(f"/admin/sla/calendar/{office.pk}/change/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "480 business minutes from now" in html
