"""Ticket statuses and the behaviour each one carries (pure: no database)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TicketStatus(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    PENDING_CUSTOMER = "pending_customer", _("Pending customer")
    ON_HOLD = "on_hold", _("On hold")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")
    MERGED = "merged", _("Merged")


@dataclass(frozen=True)
class StatusBehaviour:
    is_active: bool  # work remains for the team
    pauses_sla: bool  # the SLA clock stops while in this status
    is_resolved: bool  # counts as resolved in reports; blocks a parent only when False
    is_terminal: bool  # no replies or changes reopen it
    agent_settable: bool  # an agent may choose it directly
    customer_label: Promise  # plain words for the customer (context: Spanish agrees with "solicitud")


BEHAVIOUR: dict[str, StatusBehaviour] = {
    TicketStatus.NEW: StatusBehaviour(True, False, False, False, True, pgettext_lazy("request status", "Received")),
    TicketStatus.OPEN: StatusBehaviour(True, False, False, False, True, pgettext_lazy("request status", "We are working on it")),
    TicketStatus.PENDING_CUSTOMER: StatusBehaviour(True, True, False, False, True, pgettext_lazy("request status", "Waiting for your reply")),
    TicketStatus.ON_HOLD: StatusBehaviour(True, True, False, False, True, pgettext_lazy("request status", "We are working on it")),
    TicketStatus.SOLVED: StatusBehaviour(False, True, True, False, True, pgettext_lazy("request status", "Solved")),
    TicketStatus.CLOSED: StatusBehaviour(False, True, True, True, True, pgettext_lazy("request status", "Closed")),
    TicketStatus.MERGED: StatusBehaviour(False, True, True, True, False, pgettext_lazy("request status", "Merged into another request")),
}

ACTIVE_STATUSES = frozenset(s for s, b in BEHAVIOUR.items() if b.is_active)
UNRESOLVED_STATUSES = frozenset(s for s, b in BEHAVIOUR.items() if not b.is_resolved)


def behaviour(status: str) -> StatusBehaviour:
    return BEHAVIOUR[TicketStatus(status)]
