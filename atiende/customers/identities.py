"""Normalizing identity values (pure: no database)."""

from __future__ import annotations

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from .models import IdentityKind

TELEGRAM_ID = re.compile(r"^(@[A-Za-z0-9_]{5,32}|-?\d{1,20})$")
# A chat visitor: the opaque id the widget gives a browser (or the company's own user id, once
# verified). Letters, digits and a few separators, so it is safe to show and to put in a URL.
CHAT_VISITOR_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$")
PHONE_KINDS = (IdentityKind.PHONE, IdentityKind.WHATSAPP)
PHONE_SEPARATORS = re.compile(r"[\s().\-/]")
MEXICO = 52
# Prefixes Mexico's dialling plan used before August 2019 and that address books still hold:
# 044/045 before a mobile, 01 before a long-distance number. Each is followed by today's ten digits.
OLD_MEXICAN_PREFIXES = re.compile(r"^(?:04[45]|01)(\d{10})$")


def normalize_identity(kind: str, value: str, *, default_region: str = "MX") -> str:
    """Return the canonical value for `kind`, or raise ValidationError with a clear message."""
    raw = (value or "").strip()
    if not raw:
        raise ValidationError(_("This value cannot be empty."), code="blank")
    if kind == IdentityKind.EMAIL:
        address = raw.lower()
        validate_email(address)
        return address
    if kind in PHONE_KINDS:
        return normalize_phone(raw, default_region=default_region, whatsapp_id=kind == IdentityKind.WHATSAPP)
    if kind == IdentityKind.TELEGRAM:
        if not TELEGRAM_ID.match(raw):
            raise ValidationError(_("This is not a Telegram user name or id."), code="invalid_telegram")
        return raw.lower() if raw.startswith("@") else raw
    if kind == IdentityKind.CHAT:
        if not CHAT_VISITOR_ID.match(raw):
            raise ValidationError(_("This is not a chat visitor id."), code="invalid_chat")
        return raw
    raise ValidationError(_("Unknown identity kind."), code="invalid_kind")


def normalize_phone(raw: str, *, default_region: str = "MX", whatsapp_id: bool = False) -> str:
    """E.164 for a number as people write it (national or international) or as WhatsApp reports
    it (`whatsapp_id`: international digits without "+", `14155552671`).

    Mexican mobiles are one number however they are written: WhatsApp still reports them with
    the "1" that Mexico's old dialling plan put after the country code (`5215512345678`), while
    people and CRMs write `+52 55 1234 5678`. The "1" is dropped, so both find the same customer.
    Digits are read as a national number first; only a WhatsApp id that is not one is read as
    international (a typed "36 1000 0000" never becomes a Hungarian number). The old national
    prefixes (`044 55 …`, `01 33 …`) are dropped from a Mexican number written without "+"."""
    number = _parsed(_without_old_prefix(raw, default_region), default_region)
    if number is None and whatsapp_id and raw[:1] != "+":
        digits = PHONE_SEPARATORS.sub("", raw)
        if digits.isascii() and digits.isdigit() and not digits.startswith("0"):
            number = _parsed("+" + digits, default_region)
    if number is None:
        raise ValidationError(_("This is not a valid phone number."), code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _without_old_prefix(raw: str, default_region: str) -> str:
    if default_region != "MX" or raw[:1] == "+":
        return raw
    old = OLD_MEXICAN_PREFIXES.match(PHONE_SEPARATORS.sub("", raw))
    return old.group(1) if old else raw


def _parsed(raw: str, default_region: str) -> phonenumbers.PhoneNumber | None:
    """The valid number `raw` is, or None. The Mexican mobile "1" is dropped only after a country
    code written out (`+52 1 …`, `521…`): a national number never had it."""
    try:
        number = phonenumbers.parse(raw, default_region, keep_raw_input=True)
    except phonenumbers.NumberParseException:
        return None
    national = str(number.national_number)
    international = number.country_code_source != phonenumbers.CountryCodeSource.FROM_DEFAULT_COUNTRY
    if international and number.country_code == MEXICO and len(national) == 11 and national.startswith("1"):
        number = phonenumbers.PhoneNumber(country_code=MEXICO, national_number=int(national[1:]))
    else:
        number = phonenumbers.PhoneNumber(country_code=number.country_code, national_number=number.national_number,
                                          italian_leading_zero=number.italian_leading_zero,
                                          number_of_leading_zeros=number.number_of_leading_zeros)
    return number if phonenumbers.is_valid_number(number) else None
