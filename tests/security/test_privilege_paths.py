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


# --- API tokens: listed, revoked, expiring, killed by a password change ---------------------------

def _token(world, user=None, name="") -> tuple[str, APIClient]:
    value = token_issue(user=user or world.agent1, **({"name": name} if name else {}))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {value}")
    return value, api


def test_owner_revokes_the_token_in_use(world):
    _value, api = _token(world)
    assert api.get("/api/v1/me/").status_code == 200
    assert api.delete("/api/v1/auth/token/").status_code == 204
    refused = api.get("/api/v1/me/")
    assert refused.status_code == 401
    assert ApiToken.objects.filter(user=world.agent1).count() == 0


def test_owner_lists_their_tokens_without_secrets_and_revokes_one(world):
    laptop, api = _token(world, name="laptop")
    ci, ci_api = _token(world, name="CI")
    _token(world, user=world.agent2, name="ajeno")
    listed = api.get("/api/v1/auth/tokens/")
    assert listed.status_code == 200
    rows = listed.json()["results"]
    assert [(r["name"], r["current"]) for r in rows] == [("CI", False), ("laptop", True)]
    assert set(rows[0]) == {"id", "name", "created_at", "last_used_at", "expires_at", "current"}
    assert laptop not in listed.content.decode() and ci not in listed.content.decode()
    ci_id = rows[0]["id"]
    assert api.delete(f"/api/v1/auth/tokens/{ci_id}/").status_code == 204
    assert ci_api.get("/api/v1/me/").status_code == 401
    others = ApiToken.objects.get(user=world.agent2).pk
    assert api.delete(f"/api/v1/auth/tokens/{others}/").status_code == 404  # not theirs: as if absent
    assert ApiToken.objects.filter(pk=others).exists()


def test_token_endpoint_takes_a_name(world):
    response = APIClient().post("/api/v1/auth/token/", {"email": world.agent1.email, "password": PASSWORD, "name": "CI"},
                                format="json")
    assert response.status_code == 201
    assert ApiToken.objects.get(user=world.agent1).name == "CI"


def test_idle_token_expires(world, settings):
    settings.API_TOKEN_IDLE_DAYS = 30
    _value, api = _token(world)
    assert api.get("/api/v1/me/").status_code == 200
    later = clock.now() + timedelta(days=30, minutes=2)
    with clock.frozen_at(later):
        response = api.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert "30" in response.json()["error"]["message"] and "expired" in response.json()["error"]["message"]
    with clock.frozen_at(clock.now() + timedelta(days=29)):
        assert api.get("/api/v1/me/").status_code == 200  # used within the idle period: still good


def test_changing_the_password_kills_api_tokens(world):
    _value, api = _token(world, user=world.customer_a.user)
    user = User.objects.get(pk=world.customer_a.user_id)
    user.set_password(NEW_PASSWORD)  # whatever the path: admin, portal, services
    user.save()
    response = api.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert "password changed" in response.json()["error"]["message"]


def test_a_stale_token_header_does_not_block_signing_in(world):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token-at-all-xxxxxxxx")
    response = api.post("/api/v1/auth/token/", {"email": world.agent1.email, "password": PASSWORD}, format="json")
    assert response.status_code == 201


def test_changing_the_password_in_the_django_admin_kills_api_tokens(world):
    _value, api = _token(world, user=world.admin)
    client = Client()
    client.force_login(world.admin, backend="atiende.accounts.backends.EmailBackend")
    changed = client.post("/admin/password_change/", {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                                                      "new_password2": NEW_PASSWORD})
    assert changed.status_code == 302
    assert api.get("/api/v1/me/").status_code == 401
