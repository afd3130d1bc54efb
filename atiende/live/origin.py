"""The websocket handshake's Origin check: the same origin as the page, scheme, host and port.

Channels' AllowedHostsOriginValidator compares only the Origin's host name with ALLOWED_HOSTS,
so a page served from another port of the same host (another application, a developer's tool)
could open a socket that carries the agent's session cookie. Here the Origin must equal the
origin the request was made to, as Django's CSRF check requires of forms: the scheme (https
when the socket is wss or, behind a TLS proxy, X-Forwarded-Proto says so), the Host header
(one of ALLOWED_HOSTS) and the port; or be listed in CSRF_TRUSTED_ORIGINS.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

DEFAULT_PORTS = {"http": 80, "https": 443}

Origin = tuple[str, str, int]


def parse_origin(text: str) -> Origin | None:
    """(scheme, host, port) of "scheme://host[:port]", or None for anything else."""
    try:
        parts = urlsplit(text.strip().lower())
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:  # a port that is not a number or out of range
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or port is None or parts.path not in ("", "/"):
        return None
    return parts.scheme, parts.hostname, port


def origin_allowed(*, origin: str | None, host: str | None, secure: bool, allowed_hosts: Iterable[str],
                   trusted_origins: Iterable[str] = ()) -> bool:
    """The page's `origin` may open a socket to `host` (the Host header) on this site."""
    found = parse_origin(origin) if origin else None
    if found is None or not host:
        return False
    domain, _port = split_domain_port(host.lower())
    if not domain or not validate_host(domain, list(allowed_hosts)):
        return False
    if found == parse_origin(("https://" if secure else "http://") + host):
        return True
    return found in {parse_origin(trusted) for trusted in trusted_origins}


def _headers(scope: Mapping[str, Any]) -> dict[bytes, str]:
    return {name.lower(): value.decode("latin-1") for name, value in scope.get("headers", [])}


class SameOriginValidator:
    """ASGI middleware for websockets: a handshake from another origin is refused."""

    def __init__(self, application: Any):
        self.application = application

    async def __call__(self, scope: dict, receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket" and not self.allows(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)

    @staticmethod
    def allows(scope: Mapping[str, Any]) -> bool:
        headers = _headers(scope)
        host = headers.get(b"host")
        if host is None and scope.get("server"):  # as Django does without a Host header
            server_host, server_port = scope["server"][0], scope["server"][1]
            host = f"{server_host}:{server_port}" if server_port else server_host
        secure = scope.get("scheme") == "wss"
        proxy = settings.SECURE_PROXY_SSL_HEADER
        if proxy and not secure:
            name = proxy[0].removeprefix("HTTP_").replace("_", "-").lower().encode()
            secure = headers.get(name, "").split(",")[0].strip() == proxy[1]
        return origin_allowed(origin=headers.get(b"origin"), host=host, secure=secure,
                              allowed_hosts=settings.ALLOWED_HOSTS, trusted_origins=settings.CSRF_TRUSTED_ORIGINS)
