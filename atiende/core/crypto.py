"""Secrets at rest (a channel's access token, app secret, verify token): Fernet, AES-128-CBC with
an HMAC-SHA256, from `cryptography`.

The key is `ATIENDE_ENCRYPTION_KEY` (one Fernet key, or several separated by commas: the first
encrypts, every one decrypts, so a key can be rotated). Without it the key is derived with HKDF
from SECRET_KEY, so a small installation needs nothing more; the trade-off is written in
docs/decisions/0016-secrets-at-rest.md. The derived key always stays among the decrypting keys,
so setting ATIENDE_ENCRYPTION_KEY later still reads what was written before.
"""

from __future__ import annotations

import base64
import os
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

ENV_KEY = "ATIENDE_ENCRYPTION_KEY"
_HKDF_INFO = b"atiende secrets at rest v1"


class SecretUnreadable(Exception):  # noqa: N818 - a state, as Django's ValidationError
    """A stored secret no configured key can decrypt (the key changed)."""


def configured_keys() -> tuple[str, ...]:
    raw = getattr(settings, "ENCRYPTION_KEY", None) or os.environ.get(ENV_KEY, "")
    return tuple(key.strip() for key in raw.split(",") if key.strip())


def derived_key(secret_key: str) -> bytes:
    """The Fernet key HKDF-SHA256 derives from SECRET_KEY."""
    material = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(secret_key.encode())
    return base64.urlsafe_b64encode(material)


@lru_cache(maxsize=8)
def _fernet(configured: tuple[str, ...], secret_key: str) -> MultiFernet:
    keys = [Fernet(key.encode()) for key in configured]
    keys.append(Fernet(derived_key(secret_key)))
    return MultiFernet(keys)


def fernet() -> MultiFernet:
    return _fernet(configured_keys(), settings.SECRET_KEY)


def encrypt(plain: str) -> str:
    if not plain:
        return ""
    return fernet().encrypt(plain.encode()).decode("ascii")


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return fernet().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError) as exc:
        raise SecretUnreadable("A stored secret cannot be decrypted with the configured keys.") from exc


class EncryptedTextField(models.TextField):
    """A text column holding the Fernet token of its value: Python sees the plain text, the
    database (and a dump of it) only the token. Not searchable, not comparable in SQL."""

    def from_db_value(self, value, expression, connection):  # noqa: ARG002 - Django's signature
        if value is None:
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return value
        return encrypt(value)
