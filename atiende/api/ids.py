"""Ids from outside (URL, query string, body) are bounded to what every database stores.

SQLite raises OverflowError for integers past 64 bits; a bound here turns such ids into a
404 (URL) or a 400 (parameter, body field) instead of a 500.
"""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.request import Request

from atiende.core.db import MAX_ID
from atiende.core.exceptions import Invalid
from atiende.core.params import BadValue, parse_id

__all__ = ["MAX_ID", "IdConverter", "IdField", "id_param"]


class IdConverter:
    """`<id:name>` in URLs: 1 to 18 digits (always below MAX_ID)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class IdField(serializers.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


def id_param(request: Request, name: str) -> int | None:
    """An optional id from the query string; anything else than a valid id is a 400."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return parse_id(raw)
    except BadValue as exc:
        raise Invalid(fields={name: str(exc)}) from None
