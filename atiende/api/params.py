"""Query-string values that are more than text: a bad one is a 400 that names it, never a 500.

Thin callers of atiende.core.params, which holds the rules."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rest_framework.request import Request

from atiende.core import params
from atiende.core.exceptions import Invalid

REQUIRED: Any = object()


def instant_param(request: Request, name: str, default: Any = REQUIRED) -> datetime | None:
    """An ISO 8601 instant with its zone; `default` when absent (required without one)."""
    raw = request.query_params.get(name, "")
    if not raw and default is not REQUIRED:
        return default
    try:
        return params.parse_instant(raw.replace(" ", "+"))  # a bare "+" arrives as a space
    except params.BadValue as exc:
        raise Invalid(fields={name: str(exc)}) from None


def count_param(request: Request, name: str, *, minimum: int = 0, maximum: int, default: Any = REQUIRED) -> int:
    """A whole number from `minimum` to `maximum`; `default` when absent (required without one)."""
    raw = request.query_params.get(name)
    if raw is None and default is not REQUIRED:
        return default
    try:
        return params.parse_count(raw or "", minimum=minimum, maximum=maximum)
    except params.BadValue as exc:
        raise Invalid(fields={name: str(exc)}) from None


def check_span(start: datetime, end: datetime, *, max_days: int, field: str) -> None:
    """A 400 naming `field` when `start`..`end` is reversed or longer than `max_days`."""
    try:
        params.check_span(start, end, max_days=max_days)
    except params.BadValue as exc:
        raise Invalid(fields={field: str(exc)}) from None
