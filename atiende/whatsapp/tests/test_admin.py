"""The WhatsApp number in the Django admin: secrets typed in, stored encrypted, never shown."""

from __future__ import annotations

import pytest
from django.test import Client

from atiende.whatsapp.models import WhatsAppNumber

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(world):
    client = Client()
    client.force_login(world.admin, backend="atiende.accounts.backends.EmailBackend")
    return client


def test_an_admin_adds_a_number_and_its_secrets_are_not_shown_again(admin_client_, world):
    response = admin_client_.post("/admin/whatsapp/whatsappnumber/add/", {
        "name": "Ventas", "phone_number_id": "123456", "verify_token": "vt-secreto", "app_secret": "as-secreto",
        "access_token": "at-secreto", "api_base": "https://graph.facebook.com/v21.0", "team": world.team1.pk,
        "active": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    number = WhatsAppNumber.objects.get()
    assert (number.verify_token, number.app_secret, number.access_token) == ("vt-secreto", "as-secreto", "at-secreto")
    page = admin_client_.get(f"/admin/whatsapp/whatsappnumber/{number.pk}/change/")
    assert page.status_code == 200
    for secret in (b"vt-secreto", b"as-secreto", b"at-secreto"):
        assert secret not in page.content
    # Saving without typing the secrets again keeps them.
    response = admin_client_.post(f"/admin/whatsapp/whatsappnumber/{number.pk}/change/", {
        "name": "Ventas MX", "phone_number_id": "123456", "api_base": "https://graph.facebook.com/v21.0",
        "team": world.team1.pk, "active": "on"})
    assert response.status_code == 302
    number.refresh_from_db()
    assert (number.name, number.access_token) == ("Ventas MX", "at-secreto")


def test_the_admin_refuses_an_address_that_is_not_https(admin_client_):
    response = admin_client_.post("/admin/whatsapp/whatsappnumber/add/", {
        "name": "Ventas", "phone_number_id": "123456", "verify_token": "v", "app_secret": "a", "access_token": "t",
        "api_base": "http://10.0.0.1/v21.0", "active": "on"})
    assert response.status_code == 200
    assert not WhatsAppNumber.objects.exists()


def test_supervisors_do_not_reach_the_numbers_in_the_admin(world):
    client = Client()
    client.force_login(world.supervisor, backend="atiende.accounts.backends.EmailBackend")
    assert client.get("/admin/whatsapp/whatsappnumber/").status_code in (302, 403)
