"""Single sign-on with OpenID Connect (decision 0049), end to end over HTTP: the live server,
a real provider built with Authlib's authorization server on a loopback port
(tests/oidc_provider.py), and an httpx client following redirects as a browser would."""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlparse

import httpx
import pytest
from django.db import connection

from atiende.accounts.models import Role, Team, User
from atiende.accounts.services import agent_create, customer_login_create
from atiende.core.models import AuditEntry
from atiende.signin import services
from atiende.signin.models import SignedInSession
from tests.concurrency import race
from tests.oidc_provider import OidcProvider, configured

from .conftest import LOGIN, VERIFY, enrol

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

START = "/cuenta/sso/entrar/"
CALLBACK = "/cuenta/sso/respuesta/"
EMAIL = "ana@ejemplo.mx"


@pytest.fixture
def provider(live_server, settings) -> Iterator[OidcProvider]:
    claims = {"sub": "user-1", "email": EMAIL, "email_verified": True, "name": "Ana Ruiz"}
    with configured(settings, redirect_uri=f"{live_server.url}{CALLBACK}", claims=claims) as server:
        yield server


@pytest.fixture
def agent():
    return agent_create(email=EMAIL, name="Ana", role=Role.AGENT)


def browser(live_server) -> httpx.Client:
    return httpx.Client(base_url=live_server.url, follow_redirects=True, timeout=15)


def press_button(client: httpx.Client, *, next_url: str = "", follow: bool = True) -> httpx.Response:
    """Open the sign-in page and press "Sign in with ..." (its form, with its CSRF token)."""
    page = client.get(LOGIN)
    assert page.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return client.post(START, data={"csrfmiddlewaretoken": token, "next": next_url}, follow_redirects=follow)


def callback_address(client: httpx.Client) -> str:
    """Press the button and let the provider answer, stopping before the browser comes back."""
    to_provider = press_button(client, follow=False)
    assert to_provider.status_code == 302
    query = parse_qs(urlparse(to_provider.headers["location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    back = httpx.get(to_provider.headers["location"], timeout=15)
    assert back.status_code == 302, back.text
    return back.headers["location"]


def signed_in(client: httpx.Client) -> bool:
    return client.get("/bandeja/", follow_redirects=False).status_code == 200


def failures() -> list[str]:
    return [entry.after["reason"] for entry in AuditEntry.objects.filter(action="auth.sso_sign_in_failed").order_by("pk")]


def test_an_existing_agent_signs_in_and_the_session_is_listed_and_audited(live_server, provider, agent):
    client = browser(live_server)
    assert "Ejemplo ID" in client.get(LOGIN).text
    landed = press_button(client, next_url="/bandeja/?vista=mias")
    assert landed.status_code == 200 and landed.url.path == "/bandeja/" and landed.url.params["vista"] == "mias"
    assert signed_in(client)
    entry = AuditEntry.objects.get(action="auth.sso_sign_in")
    assert entry.actor_id == agent.pk and entry.after["subject"] == "user-1"
    assert SignedInSession.objects.filter(user=agent).count() == 1
    assert provider.token_requests == 1


def test_no_button_and_no_pages_when_not_configured(live_server, settings):
    settings.OIDC_ISSUER = ""
    client = browser(live_server)
    assert "sso/entrar" not in client.get(LOGIN).text
    assert client.get(CALLBACK).status_code == 404
    assert client.post(START).status_code in (403, 404)  # no CSRF token: refused before anything


def test_unknown_address_gets_a_clear_page_when_agents_are_not_made_on_the_fly(live_server, provider):
    client = browser(live_server)
    page = press_button(client)
    assert page.status_code == 403 and "no agent account with this address" in page.text
    assert not User.objects.filter(email=EMAIL).exists() and not signed_in(client)
    assert failures() == ["unknown_agent"]


def test_just_in_time_agent_joins_the_default_team(live_server, provider, settings):
    team = Team.objects.create(name="Soporte N1")
    settings.OIDC_CREATE_AGENTS, settings.OIDC_ALLOWED_DOMAINS, settings.OIDC_DEFAULT_TEAM = True, ["ejemplo.mx"], team.name
    client = browser(live_server)
    assert press_button(client).url.path == "/bandeja/"
    user = User.objects.get(email=EMAIL)
    assert (user.kind, user.role, user.name, user.has_usable_password()) == ("agent", Role.AGENT, "Ana Ruiz", False)
    assert list(user.teams.all()) == [team]
    assert AuditEntry.objects.filter(action="agent.created", target_id=str(user.pk)).exists()


def test_just_in_time_needs_an_allow_list(live_server, provider, settings):
    settings.OIDC_CREATE_AGENTS = True
    assert press_button(browser(live_server)).status_code == 403
    assert not User.objects.filter(email=EMAIL).exists()


def test_a_domain_off_the_allow_list_is_refused(live_server, provider, settings, agent):
    settings.OIDC_ALLOWED_DOMAINS = ["otra.mx"]
    client = browser(live_server)
    page = press_button(client)
    assert page.status_code == 403 and "this domain may not sign in" in page.text and not signed_in(client)
    assert failures() == ["domain"]


def test_an_unverified_email_is_refused(live_server, provider, agent):
    provider.tamper = {"email_verified": False}
    page = press_button(browser(live_server))
    assert page.status_code == 403 and failures() == ["email_unverified"]


def test_a_customer_with_that_address_is_not_signed_in(live_server, provider):
    customer_login_create(email=EMAIL, name="Ana", password=None)
    client = browser(live_server)
    assert press_button(client).status_code == 403 and failures() == ["unknown_agent"]
    assert not SignedInSession.objects.exists()


def test_a_tampered_state_is_refused_and_the_flow_is_spent(live_server, provider, agent):
    client = browser(live_server)
    address = callback_address(client)
    query = parse_qs(urlparse(address).query)
    tampered = f"{CALLBACK}?{urlencode({'code': query['code'][0], 'state': query['state'][0] + 'x'})}"
    page = client.get(tampered)
    assert page.status_code == 400 and "expired or was already used" in page.text
    assert client.get(address).status_code == 400  # the genuine answer is no good after that either
    assert not signed_in(client) and failures() == ["state", "state"]
    assert provider.token_requests == 0


def test_a_replayed_code_is_refused(live_server, provider, agent):
    client = browser(live_server)
    address = callback_address(client)
    assert client.get(address).url.path == "/bandeja/"
    assert client.get(address).status_code == 400  # the same answer again: its flow is spent
    other = browser(live_server)  # a new flow, with the old code smuggled in
    fresh = parse_qs(urlparse(callback_address(other)).query)
    old = parse_qs(urlparse(address).query)
    page = other.get(f"{CALLBACK}?{urlencode({'code': old['code'][0], 'state': fresh['state'][0]})}")
    assert page.status_code == 400 and "refused to finish" in page.text and not signed_in(other)
    assert failures() == ["state", "code_refused"]


@pytest.mark.parametrize("tamper", [
    {"nonce": "not-the-one-we-sent"},
    {"aud": ["someone-else"]},
    {"iss": "https://idp.invalid"},
    {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200},
], ids=["wrong-nonce", "wrong-audience", "wrong-issuer", "expired"])
def test_an_id_token_with_wrong_claims_is_refused(live_server, provider, agent, tamper):
    provider.tamper = tamper
    client = browser(live_server)
    page = press_button(client)
    assert page.status_code == 400 and "could not be verified" in page.text and not signed_in(client)
    assert failures() == ["id_token"]


def test_an_id_token_signed_with_another_key_is_refused(live_server, provider, agent):
    provider.sign_with_other_key = True
    assert press_button(browser(live_server)).status_code == 400 and failures() == ["id_token"]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_provider_that_is_down_gives_a_clear_page(live_server, provider, settings, agent):
    client = browser(live_server)
    address = callback_address(client)
    provider.stop()  # down between the two halves
    page = client.get(address)
    assert page.status_code == 502 and "could not be reached" in page.text
    settings.OIDC_ISSUER = f"http://127.0.0.1:{_closed_port()}"  # down from the start
    assert press_button(client).status_code == 502
    assert failures() == ["provider_unreachable", "provider_unreachable"] and not signed_in(client)


def test_the_second_factor_still_applies_after_single_sign_on(live_server, provider, agent):
    enrol(agent)
    client = browser(live_server)
    page = press_button(client)
    assert page.url.path == VERIFY and not signed_in(client)


def test_the_providers_mfa_counts_only_when_trusted(live_server, provider, agent, settings):
    enrol(agent)
    provider.tamper = {"amr": ["pwd", "otp"]}
    assert press_button(browser(live_server)).url.path == VERIFY
    settings.OIDC_TRUST_PROVIDER_MFA = True
    assert press_button(browser(live_server)).url.path == "/bandeja/"
    provider.tamper = {"amr": ["pwd"]}
    assert press_button(browser(live_server)).url.path == VERIFY


def test_the_address_is_read_from_userinfo_when_the_id_token_has_none(live_server, provider, agent):
    provider.tamper = {"email": None, "email_verified": None}  # userinfo still has them
    assert press_button(browser(live_server)).url.path == "/bandeja/"


def test_two_first_sign_ins_at_once_make_one_agent(provider, settings):
    settings.OIDC_CREATE_AGENTS, settings.OIDC_ALLOWED_DOMAINS = True, ["ejemplo.mx"]
    claims = {"sub": "user-1", "email": EMAIL, "email_verified": True, "name": "Ana Ruiz"}
    outcomes = race(lambda: services._sso_agent(claims), lambda: services._sso_agent(claims))
    assert User.objects.filter(email=EMAIL).count() == 1
    if connection.vendor == "postgresql":  # SQLite locks the second writer out instead
        assert outcomes == ["ok", "ok"]
