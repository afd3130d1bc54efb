"""Signed-in sessions (listed, ended one by one or all others), the password change signing out
the other sessions, and API tokens: untouched by two-step verification, listed and revoked."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from atiende.accounts.models import ApiToken
from atiende.accounts.services import token_issue
from atiende.signin import services
from atiende.signin.models import SignedInSession
from conftest import PASSWORD

from .conftest import current_code, enrol, password_step, signed_in

pytestmark = pytest.mark.django_db
SESSIONS = "/bandeja/cuenta/sesiones/"


def _browser(user, agent: str, ip: str) -> Client:
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=ip)
    password_step(user, client)
    assert signed_in(client)
    return client


def test_sessions_are_listed_with_device_address_and_this_one_marked(world):
    laptop = _browser(world.agent1, "Firefox en Linux", "127.0.0.5")
    _browser(world.agent1, "Safari en iPhone", "127.0.0.6")
    _browser(world.agent2, "Chrome de Diana", "127.0.0.7")
    page = laptop.get(SESSIONS).content.decode()
    assert "Firefox en Linux" in page and "Safari en iPhone" in page and "127.0.0.6" in page
    assert "Chrome de Diana" not in page
    assert page.count("data-current") == 1 and page.count('data-session="') == 2
    mine = SignedInSession.objects.get(session_key=laptop.session.session_key)
    assert mine.user == world.agent1 and mine.ip == "127.0.0.5"


def test_ending_a_session_really_signs_it_out(world):
    laptop = _browser(world.agent1, "Firefox", "127.0.0.5")
    phone = _browser(world.agent1, "Safari", "127.0.0.6")
    row = SignedInSession.objects.get(session_key=phone.session.session_key)
    assert laptop.post(f"/bandeja/cuenta/sesiones/{row.pk}/cerrar/").status_code == 302
    assert not signed_in(phone) and phone.get("/api/v1/me/").status_code in (401, 403)
    assert signed_in(laptop)


def test_nobody_ends_someone_elses_session(world):
    theirs = _browser(world.agent2, "Chrome", "127.0.0.7")
    mine = _browser(world.agent1, "Firefox", "127.0.0.5")
    row = SignedInSession.objects.get(session_key=theirs.session.session_key)
    assert mine.post(f"/bandeja/cuenta/sesiones/{row.pk}/cerrar/").status_code == 404
    assert signed_in(theirs) and SignedInSession.objects.filter(pk=row.pk).exists()


def test_signing_out_all_other_sessions_keeps_this_one(world):
    laptop = _browser(world.agent1, "Firefox", "127.0.0.5")
    others = [_browser(world.agent1, f"Navegador {n}", "127.0.0.6") for n in range(2)]
    colleague = _browser(world.agent2, "Chrome", "127.0.0.7")
    assert laptop.post("/bandeja/cuenta/sesiones/cerrar-otras/").status_code == 302
    assert signed_in(laptop) and signed_in(colleague) and not any(signed_in(c) for c in others)
    assert list(SignedInSession.objects.filter(user=world.agent1).values_list("session_key", flat=True)) == [
        laptop.session.session_key]


def test_changing_the_password_signs_out_the_other_sessions_and_kills_tokens(world):
    laptop = _browser(world.agent1, "Firefox", "127.0.0.5")
    phone = _browser(world.agent1, "Safari", "127.0.0.6")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=world.agent1)}")
    assert api.get("/api/v1/me/").status_code == 200
    wrong = laptop.post("/bandeja/cuenta/contrasena/", {"current": "no es", "new": "una nueva bastante larga"})
    assert wrong.status_code == 400 and "Your current password is not correct." in wrong.content.decode()
    weak = laptop.post("/bandeja/cuenta/contrasena/", {"current": PASSWORD, "new": "12345678"})
    assert weak.status_code == 400 and signed_in(phone)
    done = laptop.post("/bandeja/cuenta/contrasena/", {"current": PASSWORD, "new": "una nueva bastante larga"})
    assert done.status_code == 302
    assert signed_in(laptop) and not signed_in(phone)
    assert api.get("/api/v1/me/").status_code == 401
    world.agent1.refresh_from_db()
    assert world.agent1.check_password("una nueva bastante larga")


def test_api_tokens_keep_working_under_two_step_verification(world):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=world.agent1, name='CI')}")
    enrol(world.admin)
    enrol(world.agent1)
    services.policy_update(actor=world.admin, required_roles={"agent"})
    assert api.get("/api/v1/me/").status_code == 200
    assert api.get("/api/v1/auth/tokens/").json()["results"][0]["name"] == "CI"


def test_issuing_a_token_asks_for_the_code_of_users_who_have_one(world):
    enrol(world.agent1)
    anonymous = APIClient()
    asked = anonymous.post("/api/v1/auth/token/", {"email": world.agent1.email, "password": PASSWORD}, format="json")
    assert asked.status_code == 401 and asked.json()["error"]["code"] == "otp_required"
    wrong = anonymous.post("/api/v1/auth/token/", {"email": world.agent1.email, "password": PASSWORD, "code": "12345"},
                           format="json")
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "otp_invalid"
    issued = anonymous.post("/api/v1/auth/token/", {"email": world.agent1.email, "password": PASSWORD,
                                                    "code": current_code(world.agent1)}, format="json")
    assert issued.status_code == 201 and ApiToken.objects.filter(user=world.agent1).count() == 1
    # Without a second factor and no requirement: the password alone, as before.
    plain = anonymous.post("/api/v1/auth/token/", {"email": world.agent2.email, "password": PASSWORD}, format="json")
    assert plain.status_code == 201


def test_a_role_that_requires_it_gets_no_token_before_enrolling(world):
    enrol(world.admin)
    services.policy_update(actor=world.admin, required_roles={"agent"})
    refused = APIClient().post("/api/v1/auth/token/", {"email": world.agent1.email, "password": PASSWORD}, format="json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "otp_enrolment_required"


def test_the_tokens_page_lists_and_revokes_only_ones_own(world):
    token_issue(user=world.agent1, name="Portátil")
    token_issue(user=world.agent2, name="De Diana")
    theirs = ApiToken.objects.get(user=world.agent2)
    client = Client()
    client.force_login(world.agent1)
    page = client.get("/bandeja/cuenta/tokens/").content.decode()
    assert "Portátil" in page and "De Diana" not in page
    assert client.post(f"/bandeja/cuenta/tokens/{theirs.pk}/revocar/").status_code == 404
    mine = ApiToken.objects.get(user=world.agent1)
    assert client.post(f"/bandeja/cuenta/tokens/{mine.pk}/revocar/").status_code == 302
    assert list(ApiToken.objects.values_list("user", flat=True)) == [world.agent2.pk]


# serialized_rollback, like every transactional test: see atiende/feedback/tests/test_nps.py.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_requests_of_a_new_session_at_the_same_moment_list_it_once(world):
    """A page and its fragments (or two tabs) right after sign-in: each finds the session unlisted
    and lists it; the losers of that race must not answer 500 (seen under the mixed load)."""
    from tests.concurrency import race

    def seen():
        services.session_seen(user=world.agent1, session_key="k" * 32, user_agent="Firefox", ip="127.0.0.1")

    outcomes = race(seen, seen, seen, seen)
    assert "IntegrityError" not in outcomes
    assert "ok" in outcomes  # the others finish too, or lose to SQLite's lock
    assert SignedInSession.objects.filter(session_key="k" * 32, user=world.agent1).count() == 1
