"""Putting a service's DomainError on the form that caused it, field by field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext as _

from atiende.core.errors import MESSAGES
from atiende.core.exceptions import DomainError


def _text(value: Any) -> str:
    if isinstance(value, Mapping):
        return " ".join(_text(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return " ".join(_text(v) for v in value)
    return str(value)


def apply_domain_error(form: forms.Form, exc: DomainError, *, aliases: Mapping[str, str] | None = None) -> int:
    """Attach the error's messages to the form's fields (renamed through `aliases`; anything
    the form has no field for goes to the top) and return the HTTP status to answer with."""
    aliases = aliases or {}
    placed = False
    for name, value in exc.fields.items():
        field = aliases.get(name, name)
        message = _text(value)
        if field == "attachments" and exc.message:  # the service names the file: say which one
            message = str(exc.message)
        if field in form.fields:
            form.add_error(field, message)
        else:
            form.add_error(None, message)
        placed = True
    if not placed:
        form.add_error(None, str(exc.message or MESSAGES.get(exc.code) or _("Something went wrong.")))
    return exc.status
