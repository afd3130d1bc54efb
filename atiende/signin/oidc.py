"""Single sign-on with OpenID Connect: the relying party's side of the authorization code flow
(decision 0049). Authlib builds the authorization request (RFC 6749 parameters, PKCE S256 from
RFC 7636); httpx (the project's HTTP client) talks to the provider; joserfc checks the ID token's
signature against the provider's JWKS and Authlib's `CodeIDToken` its claims (iss, aud, exp,
iat, nonce, at_hash).

The flow's secrets (state, nonce, PKCE verifier) wait in the session between the two halves and
are taken out on the way back, so a callback is accepted once. Nothing here writes: the agent
the claims name is found (or made) by `services.sso_complete`.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
from authlib.common.errors import AuthlibBaseError
from authlib.common.security import generate_token
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from django.conf import settings
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from atiende.core import clock

FLOW_KEY = "_sso_flow"
FLOW_SECONDS = 600
TIMEOUT = 10.0
LEEWAY_SECONDS = 60
SIGNING_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]  # never "none" or HMAC

# Why a sign-in with the provider did not happen: (what the person reads, the page's status).
REASONS: dict[str, tuple[Any, int]] = {
    "provider_unreachable": (_("The sign-in provider could not be reached. Try again in a few minutes."), 502),
    "provider_error": (_("The sign-in provider gave an answer we could not use. Try again."), 502),
    "provider_refused": (_("The sign-in provider did not sign you in."), 400),
    "state": (_("This sign-in link has expired or was already used. Start again from the sign-in page."), 400),
    "code_refused": (_("The sign-in provider refused to finish this sign-in. Start again from the sign-in page."), 400),
    "id_token": (_("The sign-in provider's answer could not be verified. Start again from the sign-in page."), 400),
    "no_email": (_("The sign-in provider did not tell us your email address."), 403),
    "email_unverified": (_("The sign-in provider has not verified your email address."), 403),
    "domain": (_("Addresses of this domain may not sign in here."), 403),
    "unknown_agent": (_("There is no agent account with this address. Ask an administrator to add you."), 403),
}


class SsoFailure(Exception):
    def __init__(self, reason: str, *, email: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.email = email
        self.message, self.status = REASONS[reason]


@dataclass(frozen=True)
class Provider:
    issuer: str
    client_id: str
    client_secret: str
    name: str


def configured_provider() -> Provider | None:
    """The provider from the environment (OIDC_*), or None when single sign-on is off."""
    if not (settings.OIDC_ISSUER and settings.OIDC_CLIENT_ID and settings.OIDC_CLIENT_SECRET):
        return None
    return Provider(issuer=settings.OIDC_ISSUER, client_id=settings.OIDC_CLIENT_ID,
                    client_secret=settings.OIDC_CLIENT_SECRET, name=settings.OIDC_PROVIDER_NAME)


def _client() -> httpx.Client:
    return httpx.Client(timeout=TIMEOUT, headers={"Accept": "application/json"})


def _get_json(client: httpx.Client, url: str, **kwargs) -> dict:
    try:
        response = client.get(url, **kwargs)
        response.raise_for_status()
        data = response.json()
    except httpx.TransportError as exc:
        raise SsoFailure("provider_unreachable") from exc
    except (httpx.HTTPError, ValueError) as exc:
        raise SsoFailure("provider_error") from exc
    if not isinstance(data, dict):
        raise SsoFailure("provider_error")
    return data


def metadata(client: httpx.Client, provider: Provider) -> dict:
    """The provider's discovery document; its `issuer` must be the configured one (OIDC Discovery §4.3)."""
    data = _get_json(client, provider.issuer.rstrip("/") + "/.well-known/openid-configuration")
    needed = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
    if data.get("issuer") != provider.issuer or not all(isinstance(data.get(name), str) for name in needed):
        raise SsoFailure("provider_error")
    return data


def begin(session: MutableMapping, *, redirect_uri: str, next_url: str) -> str:
    """Start a sign-in: the provider's address to send the browser to."""
    provider = configured_provider()
    assert provider is not None  # the views answer 404 when single sign-on is off
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    with _client() as client:
        endpoint = metadata(client, provider)["authorization_endpoint"]
    url = prepare_grant_uri(endpoint, provider.client_id, "code", redirect_uri=redirect_uri, scope="openid email profile",
                            state=state, nonce=nonce, code_challenge=create_s256_code_challenge(verifier),
                            code_challenge_method="S256")
    session[FLOW_KEY] = {"state": state, "nonce": nonce, "verifier": verifier, "next": next_url,
                         "at": clock.now().timestamp()}
    return url


def _flow(session: MutableMapping, query: Mapping[str, str]) -> dict:
    """The waiting flow this callback answers, taken out of the session (a callback counts once)."""
    flow = session.pop(FLOW_KEY, None)
    if not isinstance(flow, dict) or clock.now().timestamp() - float(flow.get("at", 0)) > FLOW_SECONDS:
        raise SsoFailure("state")
    if not constant_time_compare(str(query.get("state", "")), str(flow.get("state", ""))):
        raise SsoFailure("state")
    if query.get("error"):
        raise SsoFailure("provider_refused")
    if not query.get("code"):
        raise SsoFailure("provider_error")
    return flow


def finish(session: MutableMapping, *, query: Mapping[str, str], redirect_uri: str) -> tuple[dict, str]:
    """Complete a sign-in from the provider's redirect: the verified claims about the person, and
    where to go afterwards. `SsoFailure` when anything does not check out."""
    provider = configured_provider()
    assert provider is not None
    flow = _flow(session, query)
    with _client() as client:
        meta = metadata(client, provider)
        token = _redeem(client, provider, meta["token_endpoint"], code=query["code"], verifier=flow["verifier"],
                        redirect_uri=redirect_uri)
        claims = _verified_id_token(client, provider, meta, token, nonce=flow["nonce"])
        if not claims.get("email") and isinstance(meta.get("userinfo_endpoint"), str):
            claims = _with_userinfo(client, meta["userinfo_endpoint"], token, claims)
    return claims, str(flow.get("next") or "/")


def _redeem(client: httpx.Client, provider: Provider, url: str, *, code: str, verifier: str, redirect_uri: str) -> dict:
    """The token endpoint's answer for the code (client_secret_basic, RFC 6749 §2.3.1 encoding)."""
    auth = httpx.BasicAuth(quote(provider.client_id, safe=""), quote(provider.client_secret, safe=""))
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri, "code_verifier": verifier}
    try:
        response = client.post(url, data=data, auth=auth)
        token = response.json()
    except httpx.TransportError as exc:
        raise SsoFailure("provider_unreachable") from exc
    except (httpx.HTTPError, ValueError) as exc:
        raise SsoFailure("provider_error") from exc
    if response.status_code != 200 or not isinstance(token, dict) or "error" in token:
        raise SsoFailure("code_refused")
    return token


def _verified_id_token(client: httpx.Client, provider: Provider, meta: dict, token: Mapping, *, nonce: str) -> dict:
    if not isinstance(token.get("id_token"), str):
        raise SsoFailure("id_token")
    keys = _get_json(client, meta["jwks_uri"])
    try:
        decoded = jwt.decode(token["id_token"], KeySet.import_key_set(keys), algorithms=SIGNING_ALGORITHMS)
        claims = CodeIDToken(decoded.claims, decoded.header,
                             options={"iss": {"essential": True, "value": provider.issuer},
                                      "aud": {"essential": True, "value": provider.client_id}},
                             params={"nonce": nonce, "client_id": provider.client_id,
                                     "access_token": token.get("access_token")})
        claims.validate(leeway=LEEWAY_SECONDS)
    except (JoseError, AuthlibBaseError, ValueError, TypeError, KeyError) as exc:
        raise SsoFailure("id_token") from exc
    return dict(claims)


def _with_userinfo(client: httpx.Client, url: str, token: Mapping, claims: dict) -> dict:
    """Providers that keep the email out of the ID token give it at userinfo, for the same subject."""
    info = _get_json(client, url, headers={"Authorization": f"Bearer {token.get('access_token', '')}"})
    if info.get("sub") != claims.get("sub"):
        raise SsoFailure("id_token")
    return {**claims, **{name: info[name] for name in ("email", "email_verified", "name") if name in info}}
