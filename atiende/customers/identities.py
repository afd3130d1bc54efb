"""Normalizing identity values (pure: no database)."""

from __future__ import annotations

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from .models import IdentityKind

TELEGRAM_ID = re.compile(r"^(@[A-Za-z0-9_]{5,32}|-?\d{1,20})$")


def normalize_identity(kind: str, value: str, *, default_region: str = "MX") -> str:
    """Return the canonical value for `kind`, or raise ValidationError with a clear message."""
    raw = (value or "").strip()
    if not raw:
        raise ValidationError(_("This value cannot be empty."), code="blank")
    if kind == IdentityKind.EMAIL:
        address = raw.lower()
        validate_email(address)
        return address
    if kind in (IdentityKind.PHONE, IdentityKind.WHATSAPP):
        try:
            number = phonenumbers.parse(raw, default_region)
        except phonenumbers.NumberParseException as exc:
            raise ValidationError(_("This is not a phone number."), code="invalid_phone") from exc
        if not phonenumbers.is_valid_number(number):
            raise ValidationError(_("This is not a valid phone number."), code="invalid_phone")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if kind == IdentityKind.TELEGRAM:
        if not TELEGRAM_ID.match(raw):
            raise ValidationError(_("This is not a Telegram user name or id."), code="invalid_telegram")
        return raw.lower() if raw.startswith("@") else raw
    raise ValidationError(_("Unknown identity kind."), code="invalid_kind")
