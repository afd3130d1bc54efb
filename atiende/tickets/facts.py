"""Ticket facts: what features know about a ticket that its row does not hold.

Rules of other features (SLA policies, routing rules, triggers) may depend on them, e.g. "the
product this ticket is about is under warranty". `tickets` owns the port and knows no feature by
name: an upper app writes a provider and lists its dotted path in `settings.TICKET_FACTS`.

    class WarrantyFacts(TicketFacts):
        choices = {"warranty": [("standard", _("Under warranty")), ...]}
        def facts(self, ticket): return {"warranty": ...}

A provider's facts change outside the ticket row (a product linked to the ticket); its app then
calls `tickets.services.facts.ticket_facts_changed`, which records the change and calls the
ticket hooks like any other change, so SLA policies are re-chosen and triggers see it.

See docs/decisions/0039-ticket-facts.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from .models import Ticket


class TicketFacts:
    """A provider: the facts it names, each with its label, its possible values and theirs."""

    labels: Mapping[str, str | Promise] = {}
    choices: Mapping[str, Sequence[tuple[str, str | Promise]]] = {}

    def facts(self, ticket: Ticket) -> dict[str, Any]:
        """The current value of each fact this provider names."""
        return {}


@cache
def providers() -> tuple[TicketFacts, ...]:
    return tuple(import_string(path)() for path in getattr(settings, "TICKET_FACTS", ()))


def fact_choices() -> dict[str, list[tuple[str, str | Promise]]]:
    """Every fact the installed providers offer, with its values: what rules may name."""
    return {name: list(values) for provider in providers() for name, values in provider.choices.items()}


def fact_labels() -> dict[str, str | Promise]:
    return {name: label for provider in providers() for name, label in provider.labels.items()}


def facts_of(ticket: Ticket, names: Sequence[str] | None = None) -> dict[str, Any]:
    """The facts about `ticket` (only the providers that offer one of `names`, when given)."""
    found: dict[str, Any] = {}
    for provider in providers():
        if names is None or any(name in provider.choices for name in names):
            found.update(provider.facts(ticket))
    return found
