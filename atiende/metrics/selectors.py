"""Reads of the metrics app."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.db.models import QuerySet

from atiende.tickets.models import Ticket

from .history import Fact
from .models import EventKind, MetricEvent, OutcomeReason, OutcomeSettings, TicketOutcome


def outcome_settings() -> OutcomeSettings:
    found, _created = OutcomeSettings.objects.get_or_create(pk=1)
    return found


def outcome_reasons() -> QuerySet[OutcomeReason]:
    return OutcomeReason.objects.filter(active=True)


def solved_episodes(ticket: Ticket) -> int:
    """How many times the ticket has been solved so far (per the event record)."""
    return MetricEvent.objects.filter(ticket=ticket, kind=EventKind.SOLVED).count()


def last_solved_at(ticket: Ticket) -> datetime | None:
    return (MetricEvent.objects.filter(ticket=ticket, kind=EventKind.SOLVED).order_by("-at", "-id")
            .values_list("at", flat=True).first())


def last_solver_id(ticket: Ticket) -> int | None:
    """The person agent who solved the ticket last (None when the product or a customer did)."""
    return (MetricEvent.objects.filter(ticket=ticket, kind=EventKind.SOLVED).order_by("-at", "-id")
            .values_list("agent_id", flat=True).first())


def unanswered_since(ticket: Ticket, *, before: datetime) -> datetime | None:
    """When the customer's oldest message not yet answered by an agent was written, or None."""
    last_answer = (MetricEvent.objects.filter(ticket=ticket, kind__in=[EventKind.FIRST_REPLY, EventKind.REPLY],
                                              at__lte=before).order_by("-at", "-id").values_list("at", flat=True).first())
    waiting = MetricEvent.objects.filter(ticket=ticket, kind=EventKind.CUSTOMER_REPLY, at__lte=before)
    if last_answer is not None:
        waiting = waiting.filter(at__gt=last_answer)
    return waiting.order_by("at", "id").values_list("at", flat=True).first()


def latest_outcome(ticket: Ticket) -> TicketOutcome | None:
    return (TicketOutcome.objects.filter(ticket=ticket).select_related("reason", "asset__product")
            .order_by("-episode").first())


def histories(ticket_ids: Iterable[int]) -> dict[int, list[Fact]]:
    """Each ticket's history as the pure figures take it (history.py), in order."""
    found: dict[int, list[Fact]] = defaultdict(list)
    rows = (MetricEvent.objects.filter(ticket_id__in=list(ticket_ids)).order_by("ticket_id", "at", "id")
            .values_list("ticket_id", "kind", "at", "episode", "outcome", "rating"))
    for ticket_id, kind, at, episode, outcome, rating in rows:
        found[ticket_id].append(Fact(kind=kind, at=at, episode=episode, outcome=outcome, rating=rating))
    return found
