"""Validation of custom field values against their definitions (pure: no database)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from atiende.core.params import check_text

MAX_NUMBER = 10**15


@dataclass(frozen=True)
class FieldSpec:
    key: str
    kind: str  # text | number | date | choice
    required: bool = False
    choices: tuple[str, ...] = ()


class CustomFieldErrors(Exception):
    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


def _clean_one(spec: FieldSpec, value: Any) -> Any:
    if spec.kind == "text":
        if not isinstance(value, str):
            raise ValueError(_("Enter text."))
        if len(value) > 2000:
            raise ValueError(_("Use at most 2000 characters."))
        return check_text(value).strip()  # NUL or a lone surrogate: BadValue, a ValueError
    if spec.kind == "number":
        if isinstance(value, bool):
            raise ValueError(_("Enter a number."))
        try:
            number = Decimal(str(value))
        except InvalidOperation as exc:
            raise ValueError(_("Enter a number.")) from exc
        if not number.is_finite():
            raise ValueError(_("Enter a number."))
        if abs(number) > MAX_NUMBER:  # also keeps 1e999999 from becoming a million-digit int
            raise ValueError(_("Enter a number between -%(max)s and %(max)s.") % {"max": MAX_NUMBER})
        return int(number) if number == number.to_integral_value() else float(number)
    if spec.kind == "date":
        try:
            return datetime.date.fromisoformat(str(value)).isoformat()
        except ValueError as exc:
            raise ValueError(_("Enter a date as YYYY-MM-DD.")) from exc
    if spec.kind == "choice":
        if value not in spec.choices:
            raise ValueError(_("Choose one of: %(choices)s.") % {"choices": ", ".join(spec.choices)})
        return value
    raise ValueError(_("Unknown field kind."))


def clean_custom_fields(
    specs: list[FieldSpec], current: dict[str, Any], changes: dict[str, Any], *, enforce_required: bool
) -> dict[str, Any]:
    """Merge `changes` into `current`, validating each value; `None` clears a field."""
    by_key = {spec.key: spec for spec in specs}
    errors: dict[str, str] = {}
    result = dict(current)
    for key, value in changes.items():
        spec = by_key.get(key)
        if spec is None:
            errors[key] = _("There is no custom field with this key.")
            continue
        if value is None or value == "":
            result.pop(key, None)
            continue
        try:
            result[key] = _clean_one(spec, value)
        except ValueError as exc:
            errors[key] = str(exc)
    if enforce_required:
        for spec in specs:
            if spec.required and spec.key not in result and spec.key not in errors:
                errors[spec.key] = _("This field is required.")
    if errors:
        raise CustomFieldErrors(errors)
    return result
