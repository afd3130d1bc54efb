"""Start-up checks of the key that encrypts channel secrets at rest (decision 0016, 0017).

A malformed ATIENDE_ENCRYPTION_KEY or a production without one stops every management command
(Django's system checks). Stored secrets that no configured key can read are a database check:
like Django's own, it runs only when a command names the databases (`atiende serve`, `atiende
worker`, `migrate`, `check --database default`), so that `check` on a build machine never waits
for a database it cannot reach. Either stops the start with the setting to fix, instead of
failing later, one webhook or reply at a time."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db import DatabaseError

from . import crypto

SAMPLE = 50  # rows read per encrypted column: one unreadable token is enough to tell


@checks.register("security")
def encryption_key_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    problems = _malformed_keys()
    if not problems and getattr(settings, "PRODUCTION", False) and not crypto.configured_keys():
        problems.append(checks.Error(
            f"{crypto.ENV_KEY} is not set: channel secrets would be encrypted with a key derived from SECRET_KEY.",
            hint=f"Set {crypto.ENV_KEY} to a Fernet key kept apart from the database's backups; what was stored "
                 "with the derived key stays readable (docs/decisions/0016-secrets-at-rest.md).",
            id="atiende.E102"))
    return problems


def _malformed_keys() -> list[checks.CheckMessage]:
    problems = []
    for position, key in enumerate(crypto.configured_keys(), start=1):
        try:
            crypto.Fernet(key.encode())
        except (ValueError, TypeError):
            problems.append(checks.Error(
                f"{crypto.ENV_KEY} key number {position} is not a Fernet key (32 url-safe base64-encoded bytes).",
                hint=f"Fix {crypto.ENV_KEY}: generate a key with python -c \"from cryptography.fernet import Fernet; "
                     "print(Fernet.generate_key().decode())\" (several keys: separated by commas, newest first).",
                id="atiende.E101"))
    return problems


@checks.register(checks.Tags.database)
def stored_secrets_check(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    """One error per model with a column of encrypted secrets holding a token no configured key opens."""
    if not databases or _malformed_keys():  # reported by the check above: nothing can be decrypted
        return []
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
