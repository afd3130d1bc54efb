"""`satisfaction` on the API's ticket resource (tickets/resource.py): for agents only.

Customers get null: the answer is theirs, but whether and how it is reviewed is the team's
business, as the SLA clocks are (decision 0036)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rest_framework import serializers

from atiende.tickets.models import Ticket
from atiende.tickets.resource import ResourcePart

from .selectors import satisfaction_by_ticket


class SatisfactionSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(allow_blank=True)
    answered_at = serializers.DateTimeField()


class SatisfactionPart(ResourcePart):
    def schema_fields(self) -> dict[str, serializers.Field]:
        return {"satisfaction": SatisfactionSerializer(
            allow_null=True, help_text="Agents only (null for customers): the last answered survey of the ticket.")}

    def values(self, tickets: Sequence[Ticket], *, for_agent: bool) -> dict[int, dict[str, Any]]:
        if not for_agent or not tickets:
            return {}
        return {pk: {"satisfaction": {**answer, "answered_at": _iso(answer["answered_at"])}}
                for pk, answer in satisfaction_by_ticket(tickets).items()}


def _iso(value) -> str | None:
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
