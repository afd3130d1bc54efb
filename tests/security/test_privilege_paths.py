"""Privilege paths: who may make a customer login powerful, channels customers claim, API tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from atiende.accounts.models import ApiToken, User
from atiende.accounts.services import token_issue
from atiende.branding.services import branding_update
from atiende.core import clock
from atiende.core.exceptions import Forbidden
from atiende.customers.models import Customer
from atiende.customers.services import customer_create_by, customer_update
from atiende.portal.tests.helpers import link_in
from atiende.tickets.models import Ticket
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "otra clave muy larga 2026"


# --- organization membership and the admin flag --------------------------------------------------

def test_agent_cannot_create_an_organization_admin_login_in_another_organization(world):
    api = world.client_for(world.agent1)
    response = api.post("/api/v1/customers/", {"name": "Intruso", "email": "intruso@example.mx",
                                               "organization": world.org_b.pk, "is_organization_admin": True},
                        format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert set(response.json()["error"]["fields"]) == {"organization", "is_organization_admin"}
    assert not Customer.objects.filter(identities__value="intruso@example.mx").exists()
    assert not User.objects.filter(email="intruso@example.mx").exists()


def test_agent_cannot_put_a_new_customer_in_an_organization(world):
    response = world.client_for(world.agent1).post(
        "/api/v1/customers/", {"email": "nuevo@example.mx", "organization": world.org_b.pk}, format="json")
    assert response.status_code == 403
    assert not Customer.objects.filter(identities__value="nuevo@example.mx").exists()


def test_agent_cannot_choose_a_customer_password(world):
    with pytest.raises(Forbidden):
        customer_create_by(actor=world.agent1, name="X", identities={"email": "x@example.mx"}, password=NEW_PASSWORD)
    assert not User.objects.filter(email="x@example.mx").exists()


def test_agent_cannot_move_a_customer_or_make_them_organization_admin(world):
    api = world.client_for(world.agent1)
    url = f"/api/v1/customers/{world.customer_a.pk}/"
    assert api.patch(url, {"organization": world.org_b.pk}, format="json").status_code == 403
    assert api.patch(url, {"is_organization_admin": True}, format="json").status_code == 403
    assert api.patch(url, {"organization": None}, format="json").status_code == 403
    customer = Customer.objects.get(pk=world.customer_a.pk)
    assert (customer.organization_id, customer.is_organization_admin) == (world.org_a.pk, False)
    # What does not change membership is still an agent's to edit, even sent with the same values.
    ok = api.patch(url, {"name": "Ana C.", "organization": world.org_a.pk, "is_organization_admin": False}, format="json")
    assert ok.status_code == 200
    assert Customer.objects.get(pk=world.customer_a.pk).name == "Ana C."


def test_agent_cannot_give_a_customer_a_new_email_address(world):
    response = world.client_for(world.agent1).patch(
        f"/api/v1/customers/{world.org_admin_a.pk}/", {"email": "agente-malo@example.mx"}, format="json")
    assert response.status_code == 403
    assert list(world.org_admin_a.identities.filter(kind="email").values_list("value", flat=True)) == ["olga@tienda-a.mx"]


def test_supervisor_may_change_membership(world):
    customer_update(actor=world.supervisor, customer=world.customer_a,
                    changes={"organization": world.org_b, "is_organization_admin": True})
    customer = Customer.objects.get(pk=world.customer_a.pk)
    assert (customer.organization_id, customer.is_organization_admin) == (world.org_b.pk, True)


def test_proving_a_second_address_does_not_take_over_the_customer_login(world, django_capture_on_commit_callbacks):
    """A supervisor adds a second address to Olga; whoever holds it signs up: Olga's login (the
    organization admin's) must not get their password."""
    with django_capture_on_commit_callbacks(execute=True):
        branding_update(actor=None, changes={"allow_signup": True})
    customer_update(actor=world.supervisor, customer=world.org_admin_a, changes={"identities": {"email": "olga2@example.mx"}})
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/soporte/registro/", {"name": "Olga", "email": "olga2@example.mx", "password": NEW_PASSWORD})
    confirm = link_in(mail.outbox[-1].body, "/soporte/registro/confirmar/")
    assert Client().post(confirm).status_code == 400
    olga = User.objects.get(pk=world.org_admin_a.user_id)
    assert olga.check_password(PASSWORD) and not olga.check_password(NEW_PASSWORD)


# --- the channel a customer's ticket came through ------------------------------------------------

@pytest.mark.parametrize("channel", ["email", "whatsapp", "phone", "internal"])
def test_customer_cannot_claim_another_channel(world, channel):
    before = Ticket.objects.count()
    response = world.client_for(world.customer_a.user).post(
        "/api/v1/tickets/", {"subject": "Hola", "body": "x", "channel": channel}, format="json")
    assert response.status_code == 403
    assert list(response.json()["error"]["fields"]) == ["channel"]
    assert Ticket.objects.count() == before


def test_customer_ticket_through_the_api_is_an_api_ticket(world):
    response = world.client_for(world.customer_a.user).post("/api/v1/tickets/", {"subject": "Hola", "body": "x"},
                                                             format="json")
    assert response.status_code == 201
    assert Ticket.objects.get(pk=response.json()["id"]).channel == "api"
