"""The service-level port: what tickets shows of the feature that times them, without naming it.

`tickets` keeps each ticket's nearest deadline (`sla_due_at`, `sla_warn_at`, `sla_paused`) and
shows it: a badge in the workspace, a state in the API, the promise in a new request's
acknowledgement, the target named in history. The words and the rules behind them belong to the
SLA app, which registers a provider from its `AppConfig.ready()`:

    from atiende.tickets.service_levels import register_provider
    register_provider(SlaProvider())

Without a provider (an installation without SLA) tickets show no badge, promise nothing and
print a target's stored name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .models import Ticket


@dataclass(frozen=True)
class BadgeView:
    """A ticket's deadline badge: `state` is one of none, ok, warning, breached, paused (the
    badge's colour and the API's `sla.state`); `label` its words ("2 h left"), "" for none."""

    state: str
    label: str


NO_BADGE = BadgeView("none", "")


class ServiceLevelProvider(Protocol):
    def badge_state(self, ticket: Ticket, now: datetime) -> str:
        """From the summary kept on the ticket: no query (lists call it for every row)."""

    def badge(self, ticket: Ticket, now: datetime) -> BadgeView:
        """The badge with its words, in the active language."""

    def promise(self, ticket: Ticket, now: datetime, time_zone: str | None) -> str | None:
        """When the customer can expect our answer, in words; None: nothing to promise."""

    def target_label(self, metric: str) -> str:
        """A target's name (first response, resolution) for the history."""


_provider: ServiceLevelProvider | None = None


def register_provider(provider: ServiceLevelProvider) -> None:
    global _provider
    _provider = provider


def badge_state(ticket: Ticket, now: datetime) -> str:
    return _provider.badge_state(ticket, now) if _provider else NO_BADGE.state


def badge(ticket: Ticket, now: datetime) -> BadgeView:
    return _provider.badge(ticket, now) if _provider else NO_BADGE


def promise(ticket: Ticket, now: datetime, time_zone: str | None = None) -> str | None:
    return _provider.promise(ticket, now, time_zone) if _provider else None


def target_label(metric: str) -> str:
    return _provider.target_label(metric) if _provider else metric
