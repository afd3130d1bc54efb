"""Form fields that read JSON through atiende.core.params.parse_json.

Django's forms.JSONField (what the admin uses for every models.JSONField) lets text nested a
thousand deep raise RecursionError, a 500, both when it cleans and when it shows the form again.
Use it with `formfield_overrides = JSON_FORMFIELD_OVERRIDES` on an admin with JSON fields.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.fields import InvalidJSONInput, JSONString

from .params import BadValue, parse_json


class JSONField(forms.JSONField):
    def to_python(self, value: Any) -> Any:
        if self.disabled or isinstance(value, list | dict | int | float | JSONString):
            return value
        if value in self.empty_values:
            return None
        try:
            converted = parse_json(value)
        except BadValue as exc:
            raise ValidationError(str(exc), code="invalid", params={"value": value}) from None
        return JSONString(converted) if isinstance(converted, str) else converted

    def bound_data(self, data: Any, initial: Any) -> Any:
        if self.disabled:
            return initial
        if data is None:
            return None
        try:
            return parse_json(data)
        except BadValue:
            return InvalidJSONInput(data)


JSON_FORMFIELD_OVERRIDES = {models.JSONField: {"form_class": JSONField}}
