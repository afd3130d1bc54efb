"""The workspace's customer page: profile, identities, organization and ticket history."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from atiende.customers.models import Identity, IdentityKind, SupportPlan
from atiende.tickets.services import ticket_create

pytestmark = pytest.mark.django_db
BACKEND = "atiende.accounts.backends.EmailBackend"


def browser(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user, backend=BACKEND)
    return client


def test_agents_see_profile_identities_organization_and_history_across_channels(world):
    plan = SupportPlan.objects.create(name="Oro")
    world.org_a.support_plan, world.org_a.account_manager = plan, world.supervisor
    world.org_a.save()
    Identity.objects.create(customer=world.customer_a, kind=IdentityKind.WHATSAPP, value="+525512345678", undeliverable=True)
    phone = ticket_create(actor=world.agent1, subject="Llamó por teléfono", body="x", requester=world.customer_a,
                          team=world.team1, channel="phone")

    response = browser(world.agent1).get(f"/clientes/{world.customer_a.pk}/")

    html = response.content.decode()
    assert response.status_code == 200 and '<h1 id="customer-title">Ana Cliente</h1>' in html
    assert "ana@tienda-a.mx" in html
    assert re.search(r"WhatsApp</span>: \+525512345678\s*<span class=\"flag\">undeliverable</span>", html)
    assert "<dt>Plan</dt><dd>Oro</dd>" in html and "<dt>Account manager</dt><dd>Sara Supervisora</dd>" in html
    assert "<dt>Segment</dt><dd>SMB (PyME)</dd>" in html
    rows = re.findall(r'<td><a href="/tickets/(\d+)/">#\d+</a></td>\s*<td><a[^>]*>[^<]*</a></td>\s*<td>([^<]*)</td>', html)
    assert rows == [(str(phone.number), "Phone"), (str(world.ticket_a.number), "API")]


def test_history_lists_only_tickets_the_agent_may_see(world):
    hidden = ticket_create(actor=world.admin, subject="Solo especialistas", body="x", requester=world.customer_a, team=world.team2)
    agent_html = browser(world.agent1).get(f"/clientes/{world.customer_a.pk}/").content.decode()
    admin_html = browser(world.admin).get(f"/clientes/{world.customer_a.pk}/").content.decode()
    assert "Solo especialistas" not in agent_html and world.ticket_a.subject in agent_html
    assert "Solo especialistas" in admin_html and f"/tickets/{hidden.number}/" in admin_html


def test_history_pages_from_newest_to_oldest(world):
    for n in range(51):
        ticket_create(actor=world.agent1, subject=f"Caso {n}", body="x", requester=world.customer_b, team=world.team1)
    client = browser(world.agent1)
    first = client.get(f"/clientes/{world.customer_b.pk}/").content.decode()
    assert first.count('<tr>\n          <td><a href="/tickets/') == 50 and "Caso 50" in first and "Caso 0<" not in first
    older = re.search(r'<a href="\?antes=(\d+)">Older tickets</a>', first)
    assert older
    second = client.get(f"/clientes/{world.customer_b.pk}/?antes={older.group(1)}").content.decode()
    assert "Caso 0<" in second and "Caso 1<" not in second and "Older tickets" not in second


@pytest.mark.parametrize("who", ["customer_a", "org_admin_a", "collaborator"])
def test_customers_and_collaborators_get_a_404(world, who):
    user = {"customer_a": world.customer_a.user, "org_admin_a": world.org_admin_a.user, "collaborator": world.collaborator}[who]
    response = browser(user).get(f"/clientes/{world.customer_a.pk}/")
    assert response.status_code == 404 and "ana@tienda-a.mx" not in response.content.decode()


def test_unknown_ids_are_404_and_anonymous_visitors_sign_in(world):
    assert browser(world.agent1).get("/clientes/999999/").status_code == 404
    assert browser(world.agent1).get("/clientes/99999999999999999999999/").status_code == 404
    response = Client().get(f"/clientes/{world.customer_a.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/cuenta/entrar/")


def test_customer_page_query_count_is_pinned(world, django_assert_num_queries):
    for n in range(10):
        ticket_create(actor=world.agent1, subject=f"Caso {n}", body="x", requester=world.customer_a, team=world.team1)
    client = browser(world.agent1)
    client.get(f"/clientes/{world.customer_a.pk}/")
    # session, user, customer with organization, identities, team ids, tickets
    with django_assert_num_queries(6):
        response = client.get(f"/clientes/{world.customer_a.pk}/")
    assert response.content.decode().count('<tr>\n          <td><a href="/tickets/') == 11
