"""Signed unsubscribe links: the token names the customer (never expires: an old notice's link
still unsubscribes). Made with the site's key and its own salt."""

from __future__ import annotations

from django.core import signing

SALT = "atiende.notices.unsubscribe"


def make_token(customer_id: int) -> str:
    return signing.Signer(salt=SALT).sign(str(customer_id))


def read_token(token: str) -> int | None:
    """The customer's id, or None when the token was not made by us."""
    try:
        value = signing.Signer(salt=SALT).unsign(str(token)[:200])
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() and len(value) < 19 else None
