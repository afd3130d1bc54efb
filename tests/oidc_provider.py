"""A real OpenID Connect provider for the tests, on a free loopback port.

Built from Authlib's authorization server (its Flask integration, served by werkzeug in a
thread): discovery, JWKS, authorize (approving the configured test user at once), token (code
grant with PKCE S256 required, codes used once) and userinfo. ID tokens are signed with an RSA
key generated per provider. `tamper` overrides claims of the next ID tokens (a wrong nonce,
audience, expiry...) and `sign_with_other_key` signs them with a key the JWKS does not publish,
so the client's checks are proved against tokens a real provider issued.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import AuthorizationCodeMixin
from authlib.oidc.core.grants import OpenIDCode
from django.test import override_settings
from flask import Flask, jsonify, request
from joserfc.jwk import RSAKey
from werkzeug.serving import WSGIRequestHandler, make_server

SCOPES = {"openid", "email", "profile"}


class _QuietHandler(WSGIRequestHandler):
    def log(self, type, message, *args):  # noqa: A002 - werkzeug's signature
        pass


@dataclass
class _Client(ClientMixin):
    client_id: str
    secret: str
    redirect_uri: str

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uri

    def get_allowed_scope(self, scope):
        return " ".join(s for s in (scope or "").split() if s in SCOPES)

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri == self.redirect_uri

    def check_client_secret(self, client_secret):
        return hmac.compare_digest(client_secret.encode(), self.secret.encode())

    def check_endpoint_auth_method(self, method, endpoint):
        return method == "client_secret_basic" if endpoint == "token" else True

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


@dataclass
class _Code(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: Any
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time


@dataclass
class _User:
    claims: dict

    def get_user_id(self):
        return self.claims["sub"]


class OidcProvider:
    def __init__(self, *, client_id: str, client_secret: str, redirect_uri: str, claims: dict):
        self.client = _Client(client_id, client_secret, redirect_uri)
        self.user = _User(dict(claims))
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig", "alg": "RS256"})
        self.other_key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "alg": "RS256"})
        self.tamper: dict = {}
        self.sign_with_other_key = False
        self.codes: dict[str, _Code] = {}
        self.tokens: dict[str, _User] = {}
        self.token_requests = 0
        self._server = make_server("127.0.0.1", 0, self._app(), threaded=True, request_handler=_QuietHandler)
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> OidcProvider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- the Authlib server ---------------------------------------------------------------------

    def _grants(self):
        provider = self

        class CodeGrant(AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic"]

            def save_authorization_code(self, code, request):
                data = request.payload.data
                provider.codes[code] = _Code(
                    code=code, client_id=request.client.get_client_id(), redirect_uri=request.payload.redirect_uri,
                    scope=request.scope, user=request.user, nonce=data.get("nonce"),
                    code_challenge=data.get("code_challenge"), code_challenge_method=data.get("code_challenge_method"))

            def query_authorization_code(self, code, client):
                item = provider.codes.get(code)
                return item if item is not None and item.client_id == client.get_client_id() else None

            def delete_authorization_code(self, authorization_code):
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code):
                return authorization_code.user

        class OpenID(OpenIDCode):
            def exists_nonce(self, nonce, request):
                return any(code.nonce == nonce for code in provider.codes.values())

            def resolve_client_private_key(self, client):
                return provider.other_key if provider.sign_with_other_key else provider.key

            def get_client_algorithm(self, client):
                return "RS256"

            def get_encode_header(self, client):
                return {"alg": "RS256", "kid": "test-key"}

            def get_client_claims(self, client):
                return {"iss": provider.issuer, "aud": [client.get_client_id()], "exp": int(time.time()) + 600}

            def generate_user_info(self, user, scope):
                return {**user.claims, **provider.tamper}

        return CodeGrant, OpenID

    def _app(self) -> Flask:
        app = Flask("oidc-test-provider")
        provider = self

        def save_token(token, request):
            provider.tokens[token["access_token"]] = request.user

        server = AuthorizationServer(app, query_client=lambda cid: self.client if cid == self.client.client_id else None,
                                     save_token=save_token)
        grant, openid = self._grants()
        server.register_grant(grant, [CodeChallenge(required=True), openid(require_nonce=True)])

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify({
                "issuer": provider.issuer, "authorization_endpoint": f"{provider.issuer}/authorize",
                "token_endpoint": f"{provider.issuer}/token", "userinfo_endpoint": f"{provider.issuer}/userinfo",
                "jwks_uri": f"{provider.issuer}/jwks", "response_types_supported": ["code"],
                "subject_types_supported": ["public"], "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"], "scopes_supported": sorted(SCOPES),
                "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            })

        @app.get("/jwks")
        def jwks():
            return jsonify({"keys": [provider.key.as_dict(private=False)]})

        @app.get("/authorize")
        def authorize():  # the test user is signed in at the provider and approves at once
            grant = server.get_consent_grant(end_user=provider.user)
            return server.create_authorization_response(grant=grant, grant_user=provider.user)

        @app.post("/token")
        def token():
            provider.token_requests += 1
            return server.create_token_response()

        @app.get("/userinfo")
        def userinfo():
            value = request.headers.get("Authorization", "").removeprefix("Bearer ")
            user = provider.tokens.get(value)
            if user is None:
                return jsonify({"error": "invalid_token"}), 401
            return jsonify(user.claims)

        return app


@contextmanager
def configured(settings=None, *, redirect_uri: str, claims: dict | None = None,
               client_id: str = "atiende-test", client_secret: str = "s3cret-for-the-tests") -> Iterator[OidcProvider]:
    """A provider running, and single sign-on configured against it: on pytest-django's
    `settings` when given (the test may change more), else with override_settings."""
    provider = OidcProvider(client_id=client_id, client_secret=client_secret, redirect_uri=redirect_uri,
                            claims=claims or {"sub": "user-1", "email": "ana@ejemplo.mx", "email_verified": True,
                                              "name": "Ana Ruiz"}).start()
    values = {"OIDC_ISSUER": provider.issuer, "OIDC_CLIENT_ID": client_id, "OIDC_CLIENT_SECRET": client_secret,
              "OIDC_PROVIDER_NAME": "Ejemplo ID", "OIDC_ALLOWED_DOMAINS": [], "OIDC_CREATE_AGENTS": False,
              "OIDC_DEFAULT_TEAM": ""}
    try:
        if settings is None:
            with override_settings(**values):
                yield provider
        else:
            for name, value in values.items():
                setattr(settings, name, value)
            yield provider
    finally:
        provider.stop()
