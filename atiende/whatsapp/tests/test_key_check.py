"""The start-up check of ATIENDE_ENCRYPTION_KEY (atiende/core/checks.py) on WhatsApp's stored secrets."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from atiende.core import crypto
from atiende.core.checks import encryption_key_check, stored_secrets_check

pytestmark = pytest.mark.django_db


def _ids(settings) -> list[str]:
    return [message.id for message in encryption_key_check() + stored_secrets_check(databases=["default"])]


def test_a_good_key_and_readable_secrets_pass(number, settings):
    assert _ids(settings) == []
    settings.ENCRYPTION_KEY = crypto.Fernet.generate_key().decode()  # set later: what was stored still reads
    assert _ids(settings) == []


@pytest.mark.parametrize("key", ["no-es-una-llave", "A" * 40, "gAAAAA==,"])
def test_a_malformed_key_is_an_error_naming_the_setting(settings, key):
    settings.ENCRYPTION_KEY = key
    errors = encryption_key_check()
    assert [e.id for e in errors] == ["atiende.E101"]
    assert "ATIENDE_ENCRYPTION_KEY" in errors[0].msg and "ATIENDE_ENCRYPTION_KEY" in errors[0].hint


def test_production_without_a_key_is_an_error(settings):
    settings.PRODUCTION, settings.ENCRYPTION_KEY = True, ""
    assert _ids(settings) == ["atiende.E102"]
    settings.ENCRYPTION_KEY = crypto.Fernet.generate_key().decode()
    assert _ids(settings) == []


def test_secrets_no_configured_key_opens_stop_the_start(number, settings):
    settings.ENCRYPTION_KEY = crypto.Fernet.generate_key().decode()
    number.access_token = "EAAG-nuevo"  # written with the new key only
    number.save()
    settings.ENCRYPTION_KEY = crypto.Fernet.generate_key().decode()  # ...which was then lost
    assert encryption_key_check() == [] and stored_secrets_check() == []  # no database named: not read
    errors = stored_secrets_check(databases=["default"])
    assert [e.id for e in errors] == ["atiende.E103"]
    assert "whatsapp.WhatsAppNumber (verify_token, app_secret, access_token)" in errors[0].msg
    with pytest.raises(SystemCheckError, match="ATIENDE_ENCRYPTION_KEY"):
        call_command("check", databases=["default"])


def test_the_unreadable_secrets_check_can_be_silenced_to_replace_them(number, settings):
    settings.ENCRYPTION_KEY = crypto.Fernet.generate_key().decode()
    number.save()
    settings.ENCRYPTION_KEY = crypto.Fernet.generate_key().decode()
    settings.SILENCED_SYSTEM_CHECKS = ["atiende.E103"]
    call_command("check", databases=["default"])  # no SystemCheckError
