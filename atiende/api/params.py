"""Query-string values that are more than text: a bad one is a 400 that names it, never a 500."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework.request import Request

from atiende.core.exceptions import Invalid

REQUIRED: Any = object()


def instant_param(request: Request, name: str, default: Any = REQUIRED) -> datetime | None:
    """An ISO 8601 instant with its zone; `default` when absent (required without one)."""
    raw = request.query_params.get(name, "")
    if not raw and default is not REQUIRED:
        return default
    try:
        value = parse_datetime(raw.replace(" ", "+")) if raw else None  # a bare "+" arrives as a space
    except ValueError:  # well formed but impossible, e.g. month 13
        value = None
    if value is None or value.tzinfo is None:
        raise Invalid(fields={name: _("Use an ISO 8601 date and time with a time zone.")})
    return value
