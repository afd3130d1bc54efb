"""The periodic SLA scan: tickets about to miss a target, and tickets that missed one.

Each pass reads only clocks whose warning or deadline has come and that were not yet acted on,
through two partial indexes (see `Clock.Meta.indexes`), so its cost follows the number of clocks
coming due, not the number of tickets. Marking a clock and acting on it happen in one
transaction; a second scan, or two workers scanning at once, act on a clock only once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.db.models import F, QuerySet

from atiende.accounts.services import system_actor
from atiende.core import clock as wall_clock
from atiende.core.jobs import enqueue_after_commit
from atiende.tickets import hooks
from atiende.tickets.models import Priority, Ticket, TicketEvent
from atiende.tickets.services import ticket_update
from atiende.tickets.status import behaviour

from ..models import Clock, ClockState

BATCH = 500
RAISED = {Priority.LOW: Priority.NORMAL, Priority.NORMAL: Priority.HIGH, Priority.HIGH: Priority.URGENT}


class Alert:
    WARNING = "warning"
    BREACH = "breach"


@dataclass
class ScanResult:
    warned: int = 0
    breached: int = 0


def _pending(alert: str, now: datetime) -> QuerySet[Clock]:
    running = Clock.objects.filter(state=ClockState.RUNNING, breached_at__isnull=True)
    if alert == Alert.BREACH:
        return running.filter(due_at__lte=now).order_by("due_at")
    return running.filter(warned_at__isnull=True, warn_at__lte=now).order_by("warn_at")


def sla_scan(*, now: datetime | None = None, batch: int = BATCH) -> ScanResult:
    """Act on every clock whose deadline (then warning) has come; returns how many of each."""
    now = now or wall_clock.now()
    result = ScanResult()
    result.breached = _scan(Alert.BREACH, now, batch)
    result.warned = _scan(Alert.WARNING, now, batch)
    return result


def _scan(alert: str, now: datetime, batch: int) -> int:
    done = 0
    while True:
        with transaction.atomic():
            pending = _pending(alert, now).select_related("policy", "ticket")
            if connection.features.has_select_for_update_skip_locked:
                pending = pending.select_for_update(skip_locked=True, of=("self",))
            clocks = list(pending[:batch])
            if not clocks:
                return done
            _mark(alert, clocks, now)
            _act(alert, clocks, now)
        done += len(clocks)
        if len(clocks) < batch:
            return done


def _mark(alert: str, clocks: list[Clock], now: datetime) -> None:
    ids = [clock.pk for clock in clocks]
    if alert == Alert.BREACH:
        for clock in clocks:
            clock.breached_at = clock.due_at
        Clock.objects.filter(pk__in=ids).update(breached_at=F("due_at"))
    else:
        Clock.objects.filter(pk__in=ids).update(warned_at=now)


def _act(alert: str, clocks: list[Clock], now: datetime) -> None:
    field = "sla_breach" if alert == Alert.BREACH else "sla_warning"
    TicketEvent.objects.bulk_create(
        [TicketEvent(ticket_id=clock.ticket_id, field=field, new_value=clock.metric, created_at=now) for clock in clocks]
    )
    notify = [
        clock.pk for clock in clocks
        if clock.policy and (clock.policy.notify_on_breach if alert == Alert.BREACH else clock.policy.notify_on_warning)
    ]
    if notify:
        from ..tasks import notify_alert

        enqueue_after_commit(notify_alert, clock_ids=notify, alert=alert)
    for clock in clocks:
        ticket = clock.ticket
        if alert == Alert.BREACH:
            policy = clock.policy
            if policy and (policy.escalate_on_breach or policy.raise_priority_on_breach):
                ticket = _escalate(clock) or ticket
            hooks.sla_breached(ticket, metric=clock.metric)
        else:
            hooks.sla_warning(ticket, metric=clock.metric)


def _escalate(clock: Clock) -> Ticket | None:
    """Move the ticket to its team's next tier and/or raise its priority, as the policy says,
    through the ticket service as the SLA's system actor: history, live pages and the other
    subscribers see it as any change (the raised priority re-evaluates the SLA through its hook).
    The ticket as changed, or None when nothing was to change."""
    ticket = Ticket.objects.select_for_update(of=("self",)).select_related("team__escalation_team").get(
        pk=clock.ticket_id
    )
    if behaviour(ticket.status).is_terminal:
        return None
    policy, changes = clock.policy, {}
    next_tier = ticket.team.escalation_team if ticket.team else None
    if policy.escalate_on_breach and next_tier is not None:
        changes["team"] = next_tier
        if ticket.assignee_id and not next_tier.members.filter(pk=ticket.assignee_id).exists():
            changes["assignee"] = None
    raised = RAISED.get(ticket.priority) if policy.raise_priority_on_breach else None
    if raised:
        changes["priority"] = raised
    if not changes:
        return None
    return ticket_update(actor=system_actor("sla"), ticket=ticket, changes=changes, note="sla_breach")
