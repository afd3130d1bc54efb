"""Keyset (cursor) pagination: constant cost on page 1 and page 10,000 alike."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from rest_framework.request import Request
from rest_framework.utils.urls import replace_query_param

from atiende.core.exceptions import Invalid
from atiende.core.params import BadValue, encode_cursor, parse_cursor

from .params import count_param

MAX_PAGE_SIZE = 100


def page_size(request: Request, default: int = 50) -> int:
    return count_param(request, "page_size", minimum=1, maximum=MAX_PAGE_SIZE, default=default)


def _decode(cursor: str, is_datetime: bool) -> tuple[object, int]:
    try:
        value, pk = parse_cursor(cursor, ("instant" if is_datetime else "int", "id"))
    except BadValue as exc:
        raise Invalid(fields={"cursor": str(exc)}) from None
    return value, pk


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
        next_url = replace_query_param(request.build_absolute_uri(), "cursor", encode_cursor(getattr(last, field), last.pk))
    return rows, next_url
