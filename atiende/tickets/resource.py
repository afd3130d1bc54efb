"""Fields that feature apps add to the ticket resource of the API, without `tickets` naming them.

An upper app writes a part and lists its dotted path in `settings.TICKET_RESOURCE_PARTS`:

    class SatisfactionPart(ResourcePart):
        def schema_fields(self): return {"satisfaction": serializers.DictField(allow_null=True)}
        def values(self, tickets, *, for_agent): return {ticket.pk: {"satisfaction": ...}}

A part reads what it needs for the whole page at once (one query for fifty tickets), and gives
every ticket every field it declares (null when there is nothing), so the shape never varies.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from rest_framework import serializers

    from .models import Ticket


class ResourcePart:
    def schema_fields(self) -> dict[str, serializers.Field]:
        """The fields this part adds, in order, for the OpenAPI schema."""
        return {}

    def values(self, tickets: Sequence[Ticket], *, for_agent: bool) -> dict[int, dict[str, Any]]:
        """Each ticket's values of this part's fields, by ticket id."""
        return {}


@cache
def parts() -> tuple[ResourcePart, ...]:
    return tuple(import_string(path)() for path in getattr(settings, "TICKET_RESOURCE_PARTS", ()))


def schema_fields() -> dict[str, serializers.Field]:
    fields: dict[str, serializers.Field] = {}
    for part in parts():
        fields.update(part.schema_fields())
    return fields


def extend(rows: list[dict], tickets: Sequence[Ticket], *, for_agent: bool) -> list[dict]:
    """`rows` (the ticket resources of `tickets`, in the same order) with every part's fields."""
    for part in parts():
        names = list(part.schema_fields())
        values = part.values(tickets, for_agent=for_agent)
        for row, ticket in zip(rows, tickets, strict=True):
            found = values.get(ticket.pk, {})
            row.update({name: found.get(name) for name in names})
    return rows
