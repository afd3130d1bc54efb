"""Signed links: to unsubscribe (the token names the customer, and never expires: an old notice's
link still unsubscribes) and to read a notice on the web (the token names one recipient row).
Made with the site's key, each kind with its own salt."""

from __future__ import annotations

from django.core import signing

SALT = "atiende.notices.unsubscribe"
READING_SALT = "atiende.notices.reading"


def make_token(customer_id: int) -> str:
    return signing.Signer(salt=SALT).sign(str(customer_id))


def read_token(token: str) -> int | None:
    """The customer's id, or None when the token was not made by us."""
    return _signed_id(token, SALT)


def make_reading_token(recipient_id: int) -> str:
    return signing.Signer(salt=READING_SALT).sign(str(recipient_id))


def read_reading_token(token: str) -> int | None:
    """The recipient row's id, or None when the token was not made by us."""
    return _signed_id(token, READING_SALT)


def _signed_id(token: str, salt: str) -> int | None:
    try:
        value = signing.Signer(salt=salt).unsign(str(token)[:200])
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() and len(value) < 19 else None
