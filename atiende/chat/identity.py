"""Pure checks for the widget: a signed-in visitor's identity proof, and request origins.

The company's site proves that a visitor is signed in as `email` by giving the widget
`hex(HMAC-SHA256(site secret, lowercased email))`, computed on its server; only then does the
conversation join that email's customer. Without a proof the visitor is an opaque `chat`
identity, whatever email they type in the pre-chat form."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


def identity_hash(secret: str, email: str) -> str:
    return hmac.new(secret.encode(), email.strip().lower().encode(), hashlib.sha256).hexdigest()


def identity_proved(*, secret: str, email: str, proof: str) -> bool:
    """`proof` is the site's HMAC of `email`; never true without a secret."""
    if not secret or not email or not proof or not proof.isascii():
        return False  # compare_digest refuses non-ASCII text: such a proof is wrong anyway
    return hmac.compare_digest(identity_hash(secret, email), proof.strip().lower())


def normalize_origin(text: str) -> str | None:
    """"scheme://host[:port]" with the default port dropped, or None if it is not an origin."""
    try:
        parts = urlsplit((text or "").strip().lower())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or parts.path not in ("", "/") or parts.query:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    if port is None or port == DEFAULT_PORTS[parts.scheme]:
        return f"{parts.scheme}://{host}"
    return f"{parts.scheme}://{host}:{port}"


def origin_listed(origin: str | None, allowed: Iterable[str]) -> bool:
    found = normalize_origin(origin or "")
    return found is not None and found in {normalize_origin(item) for item in allowed}
