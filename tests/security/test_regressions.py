"""Regression tests for ways real helpdesks were broken (see the foundation issue)."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from atiende.accounts.models import ApiToken
from atiende.accounts.selectors import token_lookup
from atiende.accounts.services import LoginThrottled, sign_in, token_issue
from atiende.customers.selectors import customer_list
from atiende.tickets.filenames import sanitize_filename
from atiende.tickets.models import Attachment, Ticket
from atiende.tickets.services import message_create
from conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


# --- attachments ---------------------------------------------------------------------------------

@pytest.fixture
def attachment(world) -> Attachment:
    message = message_create(
        actor=world.customer_a.user, ticket=world.ticket_a, body="mira",
        uploads=[SimpleUploadedFile("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>")],
    )
    return message.attachments.get()


def test_attachment_needs_login_and_permission(world, attachment):
    assert APIClient().get(f"/api/v1/attachments/{attachment.public_id}/").status_code == 401
    assert Client().get(f"/tickets/adjuntos/{attachment.public_id}/").status_code == 302
    assert world.client_for(world.customer_b.user).get(f"/api/v1/attachments/{attachment.public_id}/").status_code == 404


def test_attachment_ids_are_not_guessable(world, attachment):
    api = world.client_for(world.customer_a.user)
    for guess in [attachment.pk, attachment.pk + 1, "0", "../etc/passwd", "00000000-0000-0000-0000-000000000000"]:
        assert api.get(f"/api/v1/attachments/{guess}/").status_code == 404
    assert attachment.public_id.version == 4


def test_attachment_stored_under_random_name_not_served_from_media(world, attachment):
    stored = attachment.file.name
    assert "logo" not in stored and stored.startswith("attachments/")
    assert len(stored.rsplit("/", 1)[-1]) == 32
    response = Client().get(settings.MEDIA_URL + stored)
    assert response.status_code == 404


def test_svg_is_downloaded_never_rendered_with_script(world, attachment):
    response = world.client_for(world.customer_a.user).get(f"/api/v1/attachments/{attachment.public_id}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Disposition"] == 'attachment; filename="logo.svg"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("\u200b.htaccess", "htaccess"),
        ("../../x", "x"),
        ("..\\..\\windows\\system32\\evil.dll", "evil.dll"),
        ("con", "_con"),
        ("CON.txt", "_CON.txt"),
        ("nul\x00.png", "_nul.png"),
        ("factura\x00.pdf.exe", "factura.pdf.exe"),
        ("ｆａｃｔｕｒａ.pdf", "factura.pdf"),
        ("\u202etxt.exe", "txt.exe"),
        ("", "attachment"),
        ("   ", "attachment"),
        ("...", "attachment"),
        ("a" * 300 + ".pdf", "a" * 146 + ".pdf"),
        ("reporte <final>.xlsx", "reporte final.xlsx"),
    ],
)
def test_filenames_normalized_then_validated(raw, clean):
    assert sanitize_filename(raw) == clean


# --- organizations and identities match exactly --------------------------------------------------

def test_identity_lookup_is_exact_not_substring(world):
    admin = world.admin
    assert list(customer_list(user=admin, email="ana@tienda-a.mx")) == [world.customer_a]
    assert list(customer_list(user=admin, email="ANA@TIENDA-A.MX")) == [world.customer_a]
    for near in ["ana@tienda-a", "na@tienda-a.mx", "tienda-a.mx", "%", "", "  "]:
        assert list(customer_list(user=admin, email=near)) == []


def test_organization_admin_sees_exactly_their_organization(world):
    from atiende.customers.services import organization_create
    from atiende.tickets.services import ticket_create

    similar = organization_create(actor=None, name="Tienda A Sucursal", segment="pyme")
    from atiende.customers.services import customer_create

    other = customer_create(name="Otra", identities={"email": "otra@sucursal.mx"}, organization=similar)
    ticket_create(actor=other.user, subject="De la sucursal", body="x")
    api = world.client_for(world.org_admin_a.user)
    subjects = {t["subject"] for t in api.get("/api/v1/tickets/").json()["results"]}
    assert subjects == {world.ticket_a.subject}


# --- tokens ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("presented", ["", " ", "\t", "null", "None", "0"])
def test_empty_or_blank_tokens_never_match(world, presented):
    token_issue(user=world.admin)
    assert token_lookup(token=presented) is None
    response = APIClient().get("/api/v1/tickets/", HTTP_AUTHORIZATION=f"Token {presented}")
    assert response.status_code == 401


def test_case_variant_and_padded_tokens_never_match(world):
    token = token_issue(user=world.admin)
    assert token_lookup(token=token).user == world.admin
    for variant in [token.upper(), token.lower(), token.swapcase(), f" {token}", f"{token} ", token[:-1]]:
        if variant != token:
            assert token_lookup(token=variant) is None
            assert APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {variant}").status_code == 401


def test_tokens_are_stored_only_as_digests(world):
    token = token_issue(user=world.admin)
    stored = ApiToken.objects.get(user=world.admin)
    assert token not in stored.digest and len(stored.digest) == 64
    assert len(token) >= 40


def test_deactivated_user_token_stops_working(world):
    token = token_issue(user=world.agent1)
    world.agent1.is_active = False
    world.agent1.save()
    assert APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401


# --- login throttle -------------------------------------------------------------------------------

@pytest.fixture(params=["locmem", "redis"])
def throttle_cache(request, settings):
    """The embedded default's in-process cache, and Redis as in production."""
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    cache.clear()
    yield request.param
    cache.clear()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_parallel_wrong_passwords_get_no_more_attempts_than_the_limit(world, throttle_cache):
    checked = []
    lock = threading.Lock()

    def attempt(i: int) -> None:
        try:
            sign_in(email=world.agent1.email, password=f"wrong-{i}", client_ip=f"10.0.0.{i}")
            with lock:
                checked.append(i)
        except LoginThrottled:
            pass
        finally:
            from django.db import connection

            connection.close()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Fifty addresses, one account: the account's free attempts, then one at a time with growing delays.
    assert len(checked) == settings.LOGIN_THROTTLE_ACCOUNT_FREE
    with pytest.raises(LoginThrottled):
        sign_in(email=world.agent1.email, password=PASSWORD, client_ip="10.9.9.9")


def test_token_endpoint_is_throttled_too(world):
    api = APIClient()
    statuses = [api.post("/api/v1/auth/token/", {"email": world.agent1.email, "password": "x"}, format="json").status_code
                for _ in range(settings.LOGIN_THROTTLE_LIMIT + 2)]
    assert statuses == [401] * settings.LOGIN_THROTTLE_LIMIT + [429, 429]
    ok = api.post("/api/v1/auth/token/", {"email": world.agent2.email, "password": PASSWORD}, format="json")
    assert ok.status_code == 201  # another account from the same address is not locked out (decision 0014)


def test_login_page_throttles(world):
    client = Client()
    for _ in range(settings.LOGIN_THROTTLE_LIMIT):
        assert client.post("/cuenta/entrar/", {"email": world.agent1.email, "password": "x"}).status_code == 400
    assert client.post("/cuenta/entrar/", {"email": world.agent1.email, "password": PASSWORD}).status_code == 429


# --- CSRF, GET safety, redirects, error pages -----------------------------------------------------

def test_session_state_changes_need_csrf(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.agent1, backend="atiende.accounts.backends.EmailBackend")
    response = client.patch(f"/api/v1/tickets/{world.ticket_a.pk}/", {"priority": "urgent"}, content_type="application/json")
    assert response.status_code == 403
    assert Ticket.objects.get(pk=world.ticket_a.pk).priority == "normal"
    assert client.post("/cuenta/salir/").status_code == 403  # logout is a state change too


def test_no_state_change_on_get(world):
    client = Client()
    client.force_login(world.agent1, backend="atiende.accounts.backends.EmailBackend")
    assert client.get("/cuenta/salir/").status_code == 405
    assert "_auth_user_id" in client.session


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "http://testserver.evil/"])
def test_login_next_redirects_only_to_our_host(world, target):
    response = Client().post(f"/cuenta/entrar/?next={target}", {"email": world.agent1.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_login_next_to_own_page_is_kept(world):
    response = Client().post("/cuenta/entrar/?next=/tickets/", {"email": world.agent1.email, "password": PASSWORD})
    assert response["Location"] == "/tickets/"


def test_error_pages_do_not_echo_the_path(world):
    marker = "<script>alert('x')</script>"
    page = Client().get(f"/no-existe/{marker}")
    assert page.status_code == 404
    assert b"<script>alert" not in page.content and b"no-existe" not in page.content
    api = APIClient().get(f"/api/v1/nada/{marker}")
    assert api.status_code == 404 and b"nada" not in api.content


# --- ids out of range (SQLite raises OverflowError past 64 bits) --------------------------------

HUGE = "9" * 25


@pytest.mark.parametrize(
    ("url", "status"),
    [
        (f"/api/v1/tickets/{HUGE}/", 404), (f"/api/v1/tickets/{HUGE}/messages/", 404), (f"/api/v1/customers/{HUGE}/", 404),
        (f"/api/v1/organizations/{HUGE}/", 404), (f"/api/v1/teams/{HUGE}/", 404), (f"/api/v1/agents/{HUGE}/", 404),
        (f"/api/v1/business-calendars/{HUGE}/", 404), (f"/api/v1/tickets/?team={HUGE}", 400),
        (f"/api/v1/tickets/?requester={HUGE}", 400), (f"/api/v1/customers/?organization={HUGE}", 400),
        ("/api/v1/tickets/?organization=-1", 400),
    ],
)
def test_out_of_range_ids_in_urls_and_queries(world, url, status):
    response = world.client_for(world.admin).get(url)
    assert response.status_code == status
    assert response.json()["error"]["code"] in ("not_found", "invalid")


@pytest.mark.parametrize("field", ["team", "assignee"])
def test_out_of_range_ids_in_bodies(world, field):
    api = world.client_for(world.admin)
    before = Ticket.objects.count()
    response = api.post("/api/v1/tickets/", {"subject": "x", "body": "y", "requester": "z@z.mx", field: int(HUGE)}, format="json")
    assert response.status_code == 400 and field in response.json()["error"]["fields"]
    merge = api.post(f"/api/v1/tickets/{world.ticket_a.pk}/merge/", {"target": int(HUGE)}, format="json")
    assert merge.status_code == 400
    assert Ticket.objects.count() == before


def test_out_of_range_cursor_is_a_400(world):
    import base64
    import json

    for payload in (["2026-01-01T00:00:00+00:00", int(HUGE)], [int(HUGE), 1]):
        cursor = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
        ordering = "-updated_at" if isinstance(payload[0], str) else "-number"
        response = world.client_for(world.admin).get(f"/api/v1/tickets/?ordering={ordering}&cursor={cursor}")
        assert response.status_code == 400


def test_attachment_missing_from_storage_is_a_404_not_a_500(world, attachment):
    attachment.file.storage.delete(attachment.file.name)
    api = world.client_for(world.customer_a.user)
    assert api.get(f"/api/v1/attachments/{attachment.public_id}/").status_code == 404
    page = Client()
    page.force_login(world.customer_a.user, backend="atiende.accounts.backends.EmailBackend")
    assert page.get(f"/tickets/adjuntos/{attachment.public_id}/").status_code == 404


@pytest.mark.django_db
def test_a_nul_byte_in_the_address_is_a_clear_400_not_a_database_error(world):
    page = world.client_for(world.agent1).get("/bandeja/?tag=a%00b")
    api = world.client_for(world.agent1).get("/api/v1/tickets/?tag=a%00b", HTTP_ACCEPT="application/json")
    assert (page.status_code, api.status_code) == (400, 400)
    assert api.json()["error"]["code"] == "bad_request"
