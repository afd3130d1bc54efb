"""Organization hooks: how features react to a change of an organization without `customers`
naming them (the same shape as `atiende.tickets.hooks`, one layer lower).

A feature subclasses `CustomerHooks` and lists its dotted path in `settings.CUSTOMER_HOOKS`, in
the order they must run; the services call them after the change is saved, inside its
transaction when there is one. Work outside the database is queued after commit by the
subscriber. See docs/decisions/0022-sla-through-the-seam.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from .models import Organization

# (field, old value, new value), as the ticket hooks.
Change = tuple[str, Any, Any]


class CustomerHooks:
    """A subscriber: every method does nothing; override the events you need."""

    def organization_changed(self, organization: Organization, *, changes: Sequence[Change]) -> None:
        """Fields of an organization changed (name, segment, sector, support plan, account
        manager, notes)."""


@cache
def subscribers() -> tuple[CustomerHooks, ...]:
    return tuple(import_string(path)() for path in getattr(settings, "CUSTOMER_HOOKS", ()))


def organization_changed(organization: Organization, *, changes: Sequence[Change]) -> None:
    for subscriber in subscribers():
        subscriber.organization_changed(organization, changes=changes)
