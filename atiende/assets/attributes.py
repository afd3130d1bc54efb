"""Custom attributes per product kind: which keys an asset of each kind may carry, and of what
type. Pure: the services call `clean_attributes`, the import and the API alike."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .models import ProductKind

TEXT, NUMBER, FLAG, TEXTS = "text", "number", "flag", "texts"
MAX_TEXT = 500
MAX_ITEMS = 20

SCHEMAS: dict[str, dict[str, str]] = {
    ProductKind.SERVICE: {"hours_included": NUMBER, "scope": TEXT},
    ProductKind.DEVICE: {"model": TEXT, "mac_address": TEXT, "firmware": TEXT},
    ProductKind.SOFTWARE_LICENCE: {"seats": NUMBER, "licence_key": TEXT, "version": TEXT},
    ProductKind.DOMAIN: {"registrar": TEXT, "auto_renew": FLAG, "nameservers": TEXTS},
    ProductKind.HOSTING_PLAN: {"server": TEXT, "disk_gb": NUMBER, "control_panel": TEXT},
    ProductKind.CERTIFICATE: {"common_name": TEXT, "issuer": TEXT, "validation": TEXT},
}


class BadAttributes(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _clean_value(key: str, kind: str, value: Any) -> Any:
    if kind == FLAG and isinstance(value, bool):
        return value
    if kind == NUMBER and isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10**9:
        return value
    if kind == TEXT and isinstance(value, str) and len(value) <= MAX_TEXT:
        return value.strip()
    if (kind == TEXTS and isinstance(value, list) and len(value) <= MAX_ITEMS
            and all(isinstance(v, str) and len(v) <= MAX_TEXT for v in value)):
        return [v.strip() for v in value]
    expected = {TEXT: _("text"), NUMBER: _("a whole number"), FLAG: _("true or false"), TEXTS: _("a list of texts")}[kind]
    raise BadAttributes(_("“%(key)s” must be %(expected)s.") % {"key": key, "expected": expected})


def clean_attributes(product_kind: str, raw: Any) -> dict[str, Any]:
    """The attributes an asset of `product_kind` keeps; BadAttributes names the first bad key."""
    if raw in (None, ""):
        return {}
    if not isinstance(raw, dict):
        raise BadAttributes(_("Send an object of attributes."))
    schema = SCHEMAS.get(product_kind, {})
    cleaned: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in schema:
            raise BadAttributes(_("“%(key)s” is not an attribute of this kind of product; use: %(keys)s.")
                                % {"key": key, "keys": ", ".join(sorted(schema))})
        if value is not None:
            cleaned[key] = _clean_value(key, schema[key], value)
    return cleaned
