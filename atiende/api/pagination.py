"""Keyset (cursor) pagination: constant cost on page 1 and page 10,000 alike."""

from __future__ import annotations

import base64
import json
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework.utils.urls import replace_query_param

from atiende.core.exceptions import Invalid

from .ids import MAX_ID

MAX_PAGE_SIZE = 100


def page_size(request: Request, default: int = 50) -> int:
    raw = request.query_params.get("page_size")
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise Invalid(fields={"page_size": _("Use a number from 1 to %(max)s.") % {"max": MAX_PAGE_SIZE}})
    return int(raw)


def _encode(value: object, pk: int) -> str:
    raw = json.dumps([value.isoformat() if isinstance(value, datetime) else value, pk])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, is_datetime: bool) -> tuple[object, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value, pk = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if is_datetime:
            value = datetime.fromisoformat(value)
        elif not isinstance(value, int) or abs(value) > MAX_ID:
            raise ValueError
        if not isinstance(pk, int) or not 0 < pk <= MAX_ID:
            raise ValueError
        return value, pk
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError):
        raise Invalid(fields={"cursor": _("This cursor is not valid.")}) from None


def keyset_page(qs: QuerySet, request: Request, *, ordering: str, is_datetime: bool) -> tuple[list, str | None]:
    """One page of `qs` ordered by `ordering` (e.g. "-updated_at") then id; returns rows and next URL."""
    field = ordering.lstrip("-")
    descending = ordering.startswith("-")
    size = page_size(request)
    qs = qs.order_by(ordering, "-id" if descending else "id")
    cursor = request.query_params.get("cursor")
    if cursor:
        value, pk = _decode(cursor, is_datetime)
        op = "lt" if descending else "gt"
        # The first term gives the index a range bound to start from; the OR alone does not.
        qs = qs.filter(Q(**{f"{field}__{op}e": value}), Q(**{f"{field}__{op}": value}) | Q(**{f"id__{op}": pk}))
    rows = list(qs[: size + 1])
    next_url = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        next_url = replace_query_param(request.build_absolute_uri(), "cursor", _encode(getattr(last, field), last.pk))
    return rows, next_url
