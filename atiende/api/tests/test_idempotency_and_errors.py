from __future__ import annotations

import threading

import pytest
from rest_framework.test import APIClient

from atiende.api.models import IdempotencyRecord
from atiende.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_same_key_returns_first_response_and_creates_nothing_twice(world):
    api = world.client_for(world.customer_a.user)
    payload = {"subject": "Renovación", "body": "¿Cuánto cuesta?"}
    first = api.post("/api/v1/tickets/", payload, format="json", HTTP_IDEMPOTENCY_KEY="abc-123")
    second = api.post("/api/v1/tickets/", payload, format="json", HTTP_IDEMPOTENCY_KEY="abc-123")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Ticket.objects.filter(subject="Renovación").count() == 1


def test_same_key_with_other_payload_is_a_conflict(world):
    api = world.client_for(world.customer_a.user)
    api.post("/api/v1/tickets/", {"subject": "Uno", "body": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    other = api.post("/api/v1/tickets/", {"subject": "Dos", "body": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert not Ticket.objects.filter(subject="Dos").exists()


def test_keys_are_per_user(world):
    a = world.client_for(world.customer_a.user).post("/api/v1/tickets/", {"subject": "A", "body": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="same")
    b = world.client_for(world.customer_b.user).post("/api/v1/tickets/", {"subject": "B", "body": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="same")
    assert a.json()["id"] != b.json()["id"]
    assert b.json()["subject"] == "B"


def test_failed_request_does_not_burn_the_key_unless_answered(world):
    api = world.client_for(world.customer_a.user)
    bad = api.post("/api/v1/tickets/", {"subject": "", "body": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="k2")
    assert bad.status_code == 400
    again = api.post("/api/v1/tickets/", {"subject": "", "body": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="k2")
    assert again.status_code == 400 and again["Idempotent-Replayed"] == "true"
    assert IdempotencyRecord.objects.filter(key="k2").count() == 1


@pytest.mark.parametrize("key", ["", " ", "x" * 256, "ñandú"])
def test_malformed_keys_are_refused(world, key):
    api = world.client_for(world.customer_a.user)
    response = api.post("/api/v1/tickets/", {"subject": "S", "body": "x"}, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400
    assert not Ticket.objects.filter(subject="S").exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_repeats_create_one_ticket(world):
    from atiende.accounts.services import token_issue

    token = token_issue(user=world.customer_a.user)
    statuses: list[int] = []

    def post() -> None:
        from django.db import connection

        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
            response = client.post("/api/v1/tickets/", {"subject": "Concurrente", "body": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="race")
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Ticket.objects.filter(subject="Concurrente").count() == 1
    assert statuses == [201] * 6


def test_error_envelope_is_translated(world):
    api = APIClient()
    es = api.get("/api/v1/tickets/", HTTP_ACCEPT_LANGUAGE="es-MX")
    en = api.get("/api/v1/tickets/", HTTP_ACCEPT_LANGUAGE="en")
    assert es.status_code == en.status_code == 401
    assert es.json()["error"]["code"] == en.json()["error"]["code"] == "not_authenticated"
    assert es.json()["error"]["message"] != en.json()["error"]["message"]
    assert en.json()["error"]["message"] == "Sign in or send a valid API token."


def test_user_language_preference_wins(world):
    world.agent1.language = "en"
    world.agent1.save()
    response = world.client_for(world.agent1).get("/api/v1/tickets/999999/", HTTP_ACCEPT_LANGUAGE="es-MX")
    assert response.json()["error"]["message"] == "Not found."


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        ("{not json", "application/json", 400, "parse_error"),
        ("[]", "application/json", 400, "invalid"),
        ('{"subject": 5}', "application/json", 400, "invalid"),
        ("subject=x", "text/plain", 415, "unsupported_media_type"),
    ],
)
def test_bad_input_gets_clear_errors_never_500(world, body, content_type, status, code):
    api = world.client_for(world.agent1)
    response = api.generic("POST", "/api/v1/tickets/", body, content_type=content_type)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert b"Traceback" not in response.content


def test_unknown_ids_and_methods(world):
    api = world.client_for(world.agent1)
    assert api.get("/api/v1/tickets/99999999/").status_code == 404
    assert api.get("/api/v1/customers/99999999/").status_code == 404
    assert api.delete(f"/api/v1/tickets/{world.ticket_a.pk}/").json()["error"]["code"] == "method_not_allowed"
    response = api.post("/api/v1/tickets/", {"subject": "x", "body": "y", "requester": "z@z.mx", "team": 987654}, format="json")
    assert response.status_code == 400 and "team" in response.json()["error"]["fields"]


def test_oversized_request_body_is_413(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    api = world.client_for(world.agent1)
    response = api.post("/api/v1/tickets/", {"subject": "x", "body": "y" * 5000}, format="json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


def test_schema_and_docs_are_served(client):
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200 and b"/api/v1/tickets/" in schema.content
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()
    assert b"cdn." not in docs.content


def test_api_rate_limit_answers_429_with_retry_after(world, settings):
    from django.core.cache import cache
    from rest_framework.settings import api_settings
    from rest_framework.throttling import UserRateThrottle

    cache.clear()
    original = UserRateThrottle.THROTTLE_RATES
    UserRateThrottle.THROTTLE_RATES = {**api_settings.DEFAULT_THROTTLE_RATES, "user": "3/min"}
    try:
        api = world.client_for(world.agent1)
        statuses = [api.get("/api/v1/me/").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = api.get("/api/v1/me/")
        assert limited.json()["error"]["code"] == "throttled" and int(limited["Retry-After"]) > 0
    finally:
        UserRateThrottle.THROTTLE_RATES = original
        cache.clear()
