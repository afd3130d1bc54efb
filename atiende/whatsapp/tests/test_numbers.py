"""Connecting numbers: administrators only, secrets encrypted at rest and never returned."""

from __future__ import annotations

import pytest
from django.db import connection

from atiende.core import crypto
from atiende.whatsapp.models import WhatsAppNumber

pytestmark = pytest.mark.django_db

NEW = {"name": "Soporte", "phone_number_id": "123456789012345", "verify_token": "verifícame",
       "app_secret": "secreto-de-app", "access_token": "EAAB-token"}


def _raw(number_id: int) -> tuple[str, str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT verify_token, app_secret, access_token FROM whatsapp_whatsappnumber WHERE id = %s",
                       [number_id])
        return cursor.fetchone()


def test_an_admin_connects_a_number_and_never_sees_its_secrets_again(world):
    api = world.client_for(world.admin)
    response = api.post("/api/v1/channels/whatsapp/", {**NEW, "team": world.team1.pk}, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) == {"id", "name", "phone_number_id", "api_base", "team", "active", "webhook_url", "created_at"}
    assert data["webhook_url"] == f"http://testserver/api/v1/channels/whatsapp/{data['id']}/webhook/"
    assert data["api_base"] == "https://graph.facebook.com/v21.0"
    for secret in ("verifícame", "secreto-de-app", "EAAB-token"):
        for body in (response.content, api.get(f"/api/v1/channels/whatsapp/{data['id']}/").content,
                     api.get("/api/v1/channels/whatsapp/").content):
            assert secret.encode() not in body
    stored = _raw(data["id"])
    assert all(value.startswith("gAAAAA") for value in stored)  # Fernet tokens
    assert not any(secret in value for value in stored for secret in ("verifícame", "secreto-de-app", "EAAB-token"))
    number = WhatsAppNumber.objects.get(pk=data["id"])
    assert (number.verify_token, number.app_secret, number.access_token) == ("verifícame", "secreto-de-app", "EAAB-token")


def test_patch_keeps_the_secrets_it_is_not_given(world):
    api = world.client_for(world.admin)
    number_id = api.post("/api/v1/channels/whatsapp/", NEW, format="json").json()["id"]
    response = api.patch(f"/api/v1/channels/whatsapp/{number_id}/", {"name": "Ventas", "access_token": "EAAB-nuevo"},
                         format="json")
    assert response.status_code == 200
    number = WhatsAppNumber.objects.get(pk=number_id)
    assert (number.name, number.app_secret, number.access_token) == ("Ventas", "secreto-de-app", "EAAB-nuevo")


@pytest.mark.parametrize(("field", "value"), [
    ("api_base", "http://graph.facebook.com/v21.0"), ("api_base", "https://user:pw@graph.facebook.com/v21.0"),
    ("api_base", "file:///etc/passwd"), ("api_base", "https://graph.facebook.com/v21.0?x=1"),
    ("phone_number_id", "12/../34"), ("phone_number_id", "abc"), ("team", 999999),
])
def test_bad_configuration_is_refused(world, field, value):
    response = world.client_for(world.admin).post("/api/v1/channels/whatsapp/", {**NEW, field: value}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert not WhatsAppNumber.objects.exists()


def test_one_phone_number_id_is_connected_once(world):
    api = world.client_for(world.admin)
    assert api.post("/api/v1/channels/whatsapp/", NEW, format="json").status_code == 201
    assert api.post("/api/v1/channels/whatsapp/", NEW, format="json").status_code == 400
    assert WhatsAppNumber.objects.count() == 1


@pytest.mark.parametrize("who", ["supervisor", "agent1", "collaborator"])
def test_only_administrators_connect_numbers(world, who):
    api = world.client_for(getattr(world, who))
    assert api.post("/api/v1/channels/whatsapp/", NEW, format="json").status_code == 403
    assert api.get("/api/v1/channels/whatsapp/").status_code == 403
    assert not WhatsAppNumber.objects.exists()


def test_secrets_use_the_configured_key_and_still_read_what_the_derived_key_wrote(settings):
    settings.ENCRYPTION_KEY = ""
    old = crypto.encrypt("antes")
    key = crypto.Fernet.generate_key().decode()
    settings.ENCRYPTION_KEY = key
    new = crypto.encrypt("después")
    assert crypto.Fernet(key.encode()).decrypt(new.encode()) == "después".encode()
    assert crypto.decrypt(old) == "antes"
    settings.ENCRYPTION_KEY = crypto.Fernet.generate_key().decode()  # the key was lost
    with pytest.raises(crypto.SecretUnreadable):
        crypto.decrypt(new)
