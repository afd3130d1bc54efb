"""Start-up checks of the key that encrypts channel secrets at rest (decision 0016, 0017).

Run before `atiende serve`, `atiende worker` and every management command (Django's system
checks): a malformed ATIENDE_ENCRYPTION_KEY, a production without one, or stored secrets that no
configured key can read stop the start with the setting to fix, instead of failing later, one
webhook or reply at a time."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db import DatabaseError

from . import crypto

SAMPLE = 50  # rows read per encrypted column: one unreadable token is enough to tell


@checks.register("security")
def encryption_key_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    problems = []
    configured = crypto.configured_keys()
    for position, key in enumerate(configured, start=1):
        try:
            crypto.Fernet(key.encode())
        except (ValueError, TypeError):
            problems.append(checks.Error(
                f"{crypto.ENV_KEY} key number {position} is not a Fernet key (32 url-safe base64-encoded bytes).",
                hint=f"Fix {crypto.ENV_KEY}: generate a key with python -c \"from cryptography.fernet import Fernet; "
                     "print(Fernet.generate_key().decode())\" (several keys: separated by commas, newest first).",
                id="atiende.E101"))
    if problems:
        return problems  # nothing can be decrypted with a malformed key list
    if getattr(settings, "PRODUCTION", False) and not configured:
        problems.append(checks.Error(
            f"{crypto.ENV_KEY} is not set: channel secrets would be encrypted with a key derived from SECRET_KEY.",
            hint=f"Set {crypto.ENV_KEY} to a Fernet key kept apart from the database's backups; what was stored "
                 "with the derived key stays readable (docs/decisions/0016-secrets-at-rest.md).",
            id="atiende.E102"))
    problems.extend(_unreadable_secrets())
    return problems


def _unreadable_secrets() -> list[checks.CheckMessage]:
    """One error per model with a column of encrypted secrets holding a token no configured key opens."""
    found = []
    for model in apps.get_models():
        unreadable = []
        for field in model._meta.get_fields():
            if not isinstance(field, crypto.EncryptedTextField):
                continue
            try:  # reading decrypts (EncryptedTextField.from_db_value)
                list(model._default_manager.values_list(field.attname, flat=True)[:SAMPLE])
            except crypto.SecretUnreadable:
                unreadable.append(field.name)
            except DatabaseError:  # not migrated yet, or no database: nothing stored to check
                continue
        if unreadable:
            found.append(checks.Error(
                f"Stored secrets in {model._meta.label} ({', '.join(unreadable)}) cannot be decrypted with the "
                "configured keys.",
                hint=f"{crypto.ENV_KEY} (or SECRET_KEY, when no key was set) changed since they were saved: put the "
                     f"previous key back in {crypto.ENV_KEY}, after the new one. If it is lost, start with "
                     "SILENCED_SYSTEM_CHECKS=atiende.E103 and connect those channels again.",
                id="atiende.E103"))
    return found
