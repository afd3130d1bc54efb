"""How SLA plugs into tickets and customers: the ticket hooks that move its clocks (first in
`settings.TICKET_HOOKS`, so later subscribers see the deadlines already moved), the organization
hook that re-evaluates an organization's tickets when its plan or segment changes, and the
service-level provider that gives tickets its badge, promise and target names.

The hooks run inside the ticket service's transaction with the ticket row locked, as the clocks
require (services/clocks.py), and time each change at the moment the service recorded it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from atiende.accounts.models import User
from atiende.core.jobs import enqueue_after_commit
from atiende.customers import hooks as customer_hooks
from atiende.customers.models import Organization
from atiende.tickets.facts import fact_choices
from atiende.tickets.hooks import Change, TicketHooks
from atiende.tickets.models import Message, MessageKind, Ticket
from atiende.tickets.service_levels import BadgeView

from . import selectors
from .models import Metric, Policy
from .services.clocks import (
    Reason,
    sla_public_message,
    sla_reevaluate,
    sla_status_changed,
    sla_ticket_created,
)

# Ticket fields a policy may be chosen by, and the reason recorded when one changes (the first wins).
REEVALUATED_ON = {"priority": Reason.PRIORITY, "type": Reason.TYPE}


class SlaHooks(TicketHooks):
    def ticket_created(self, ticket: Ticket, *, actor: User | None, message: Message) -> None:
        sla_ticket_created(ticket=ticket, now=ticket.created_at)

    def tickets_imported(self, created: Sequence[tuple[Ticket, Message]]) -> None:
        if not Policy.objects.filter(active=True).exists():  # imports: one query, not one per ticket
            return
        for ticket, _message in created:
            sla_ticket_created(ticket=ticket, now=ticket.created_at)

    def replies_imported(self, messages: Sequence[Message]) -> None:
        """Quiet replies (no policy, no status change) move no clock: nothing to do."""

    def message_added(self, message: Message, *, actor: User | None) -> None:
        if message.kind == MessageKind.PUBLIC:
            sla_public_message(ticket=message.ticket, author_kind=message.author_kind, now=message.created_at)

    def ticket_changed(self, ticket: Ticket, *, actor: User | None, changes: Sequence[Change]) -> None:
        now = ticket.updated_at
        changed = {field: old for field, old, _new in changes}
        if "status" in changed:
            sla_status_changed(ticket=ticket, old_status=changed["status"], now=now)
        reasons = [reason for field, reason in REEVALUATED_ON.items() if field in changed]
        if set(changed) & set(fact_choices()):  # a feature's fact about the ticket (a product linked)
            reasons.append(Reason.FACT)
        if reasons:
            sla_reevaluate(ticket=ticket, now=now, reason=reasons[0], actor=actor)


class SlaCustomerHooks(customer_hooks.CustomerHooks):
    def organization_changed(self, organization: Organization, *, changes: Sequence[customer_hooks.Change]) -> None:
        """Policies may be chosen by plan and segment: the organization's open tickets are
        evaluated again once the change commits."""
        if {"segment", "support_plan"} & {field for field, _old, _new in changes}:
            from .tasks import reevaluate_tickets

            enqueue_after_commit(reevaluate_tickets, reason=Reason.PLAN, organization_id=organization.pk)


class SlaProvider:
    """What tickets shows of service levels (tickets.service_levels)."""

    def badge_state(self, ticket: Ticket, now: datetime) -> str:
        return selectors.badge_state(ticket, now)

    def badge(self, ticket: Ticket, now: datetime) -> BadgeView:
        return selectors.badge_view(ticket, now)

    def promise(self, ticket: Ticket, now: datetime, time_zone: str | None) -> str | None:
        promise = selectors.customer_promise(ticket=ticket, now=now, time_zone=time_zone)
        return promise.text if promise else None

    def target_label(self, metric: str) -> str:
        try:
            return str(Metric(metric).label)
        except ValueError:
            return metric
