"""SLA clocks on tickets: started, paused, resumed and stopped as the conversation moves.

The ticket services call these inside their own transaction, with the ticket row locked, so a
ticket's clocks change together with the change that moved them. Each function ends by copying
the nearest running deadline onto the ticket (`sla_due_at`, `sla_warn_at`, `sla_paused`), which
lists sort by and badges read without touching the clocks.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction

from atiende.accounts.models import User
from atiende.core import clock as wall_clock
from atiende.tickets.models import AuthorKind, Message, MessageKind, Ticket
from atiende.tickets.status import UNRESOLVED_STATUSES, behaviour

from ..models import Clock, ClockState, Metric, Policy, Result, Target
from ..selectors import arithmetic_for, clock_minutes_used, policy_for

RESPONSE_METRICS = (Metric.FIRST_RESPONSE, Metric.NEXT_RESPONSE)
# Minutes are floats from the calendar arithmetic; a reply in the target's last microsecond is met.
TOLERANCE = 1e-6


class Reason:
    """Why a ticket's SLA was evaluated again; stored with the history event."""

    PRIORITY = "priority"
    TYPE = "type"
    PLAN = "plan"
    POLICY = "policy"
    CALENDAR = "calendar"
    FACT = "fact"  # a ticket fact a policy may name changed (tickets/facts.py)


# --- one clock ----------------------------------------------------------------------------------

def _run(clock: Clock, now: datetime, warn_percent: int | None) -> None:
    """Start or resume timing at `now` with the business minutes still left."""
    calendar = arithmetic_for(clock.calendar)
    clock.state, clock.running_since = ClockState.RUNNING, now
    remaining = clock.target_minutes - clock.elapsed_minutes
    clock.due_at = calendar.add(now, remaining) if remaining > 0 else now
    clock.warn_at = None
    if warn_percent:
        before_warning = clock.target_minutes * warn_percent / 100 - clock.elapsed_minutes
        clock.warn_at = calendar.add(now, before_warning) if before_warning > 0 else now


def _pause(clock: Clock, now: datetime) -> None:
    clock.elapsed_minutes = clock_minutes_used(clock, now)
    clock.state, clock.running_since, clock.due_at, clock.warn_at = ClockState.PAUSED, None, None, None


def _stop(clock: Clock, now: datetime, result: str | None = None) -> None:
    used = clock_minutes_used(clock, now)
    if result is None:
        result = Result.BREACHED if used > clock.target_minutes + TOLERANCE else Result.MET
    if result == Result.BREACHED and clock.breached_at is None:
        clock.breached_at = clock.due_at if clock.due_at and clock.due_at <= now else now
    clock.elapsed_minutes = clock.business_minutes = used
    clock.state, clock.stopped_at, clock.result = ClockState.STOPPED, now, result
    clock.running_since, clock.due_at, clock.warn_at = None, None, None


def _reopen(clock: Clock) -> None:
    clock.state, clock.stopped_at, clock.result, clock.business_minutes = ClockState.PAUSED, None, "", None


def _new_clock(ticket: Ticket, policy: Policy, target: Target, now: datetime) -> Clock:
    clock = Clock(
        ticket=ticket, policy=policy, metric=target.metric, calendar=target.calendar,
        target_minutes=target.minutes, started_at=now, state=ClockState.PAUSED,
    )
    if not behaviour(ticket.status).pauses_sla:
        _run(clock, now, policy.warn_at_percent)
    return clock


# --- a ticket's clocks --------------------------------------------------------------------------

def _live_clocks(ticket: Ticket) -> list[Clock]:
    return list(
        Clock.objects.filter(ticket=ticket).exclude(state=ClockState.STOPPED).select_related("calendar", "policy")
    )


def _targets(policy: Policy | None) -> dict[str, Target]:
    if policy is None:
        return {}
    return {target.metric: target for target in policy.targets.all()}


def _save(ticket: Ticket, clocks: Iterable[Clock]) -> None:
    clocks = list(clocks)
    new = [clock for clock in clocks if clock.pk is None]
    Clock.objects.bulk_create(new)
    for clock in clocks:
        if clock not in new:
            clock.save()
    _summarize(ticket, [clock for clock in clocks if clock.state != ClockState.STOPPED])


def _summarize(ticket: Ticket, live: list[Clock]) -> None:
    running = [clock for clock in live if clock.state == ClockState.RUNNING]
    ticket.sla_due_at = _nearest(ticket, running)
    ticket.sla_warn_at = min((clock.warn_at for clock in running if clock.warn_at), default=None)
    ticket.sla_paused = bool(live) and not running
    Ticket.objects.filter(pk=ticket.pk).update(
        sla_policy=ticket.sla_policy, sla_due_at=ticket.sla_due_at, sla_warn_at=ticket.sla_warn_at,
        sla_paused=ticket.sla_paused,
    )


def _timed(ticket: Ticket) -> bool:
    """Whether anything about the ticket is timed (a policy, a summary to clear, an agreed time)."""
    return bool(ticket.sla_policy_id or ticket.sla_due_at or ticket.sla_paused or ticket.agreed_at)


def _nearest(ticket: Ticket, running: list[Clock]) -> datetime | None:
    """The nearest running deadline, or the time agreed with the customer (a call back they asked
    for) while the ticket is unresolved: the agreed time does not pause, it is an appointment."""
    dues = [clock.due_at for clock in running if clock.due_at is not None]
    if ticket.agreed_at is not None and not behaviour(ticket.status).is_resolved:
        dues.append(ticket.agreed_at)
    return min(dues, default=None)


def _agent_has_replied(ticket: Ticket) -> bool:
    return Message.objects.filter(ticket=ticket, kind=MessageKind.PUBLIC, author_kind=AuthorKind.AGENT).exists()


def sla_ticket_created(*, ticket: Ticket, now: datetime) -> None:
    """Start first-response and resolution clocks under the policy that matches the new ticket."""
    policy = policy_for(ticket)
    ticket.sla_policy = policy
    targets = _targets(policy)
    clocks = [
        _new_clock(ticket, policy, targets[metric], now)
        for metric in (Metric.FIRST_RESPONSE, Metric.RESOLUTION)
        if metric in targets
    ]
    if policy is not None or ticket.agreed_at is not None:
        _save(ticket, clocks)


def sla_status_changed(*, ticket: Ticket, old_status: str, now: datetime) -> None:
    """Pause, resume, stop or reopen clocks for a status change already applied to `ticket`."""
    old, new = behaviour(old_status), behaviour(ticket.status)
    if old_status == ticket.status or not _timed(ticket):
        return
    live = _live_clocks(ticket)
    if new.is_resolved:
        for clock in live:
            merged_away = ticket.merged_into_id is not None
            if clock.metric == Metric.RESOLUTION and not merged_away:
                _stop(clock, now)
            else:
                _stop(clock, now, Result.CANCELLED)
    else:
        if old.is_resolved:
            live += _reopened_resolution(ticket)
        for clock in live:
            if new.pauses_sla and clock.state == ClockState.RUNNING:
                _pause(clock, now)
            elif not new.pauses_sla and clock.state == ClockState.PAUSED:
                _run(clock, now, clock.policy.warn_at_percent if clock.policy else None)
    _save(ticket, live)


def _reopened_resolution(ticket: Ticket) -> list[Clock]:
    """A reopened ticket resumes its resolution clock where it stopped."""
    last = (
        Clock.objects.filter(ticket=ticket, metric=Metric.RESOLUTION, state=ClockState.STOPPED)
        .exclude(result=Result.CANCELLED).select_related("calendar", "policy").order_by("-stopped_at", "-id").first()
    )
    if last is None:
        return []
    _reopen(last)
    return [last]


def sla_public_message(*, ticket: Ticket, author_kind: str, now: datetime) -> None:
    """An agent's reply answers the customer; a customer's message after one waits for the next."""
    if not _timed(ticket):
        return
    live = _live_clocks(ticket)
    waiting = [clock for clock in live if clock.metric in RESPONSE_METRICS]
    if author_kind == AuthorKind.AGENT:
        if not waiting:
            if ticket.sla_due_at != _nearest(ticket, [c for c in live if c.state == ClockState.RUNNING]):
                _summarize(ticket, live)  # the agreed time was met
            return
        for clock in waiting:
            _stop(clock, now)
    elif author_kind == AuthorKind.CUSTOMER:
        target = _targets(ticket.sla_policy).get(Metric.NEXT_RESPONSE)
        resolved = behaviour(ticket.status).is_resolved
        if waiting or target is None or resolved or not _agent_has_replied(ticket):
            return
        live.append(_new_clock(ticket, ticket.sla_policy, target, now))
    else:
        return
    _save(ticket, live)


def sla_reevaluate(
    *, ticket: Ticket, now: datetime, reason: str, actor: User | None = None, retime_calendar_id: int | None = None
) -> bool:
    """Apply the policy that matches the ticket now; True (and a history event) when anything changed.

    Running clocks keep the business minutes already used and continue on the new target and
    calendar; targets the new policy lacks no longer apply; new ones start now.
    """
    from atiende.tickets.services.common import (
        record_changes,  # tickets' services call into this module
    )

    if behaviour(ticket.status).is_terminal:
        return False
    old_policy = ticket.sla_policy
    policy = policy_for(ticket)
    targets = _targets(policy)
    live = _live_clocks(ticket)
    changed = policy != old_policy
    for clock in live:
        target = targets.get(clock.metric)
        if target is None:
            _stop(clock, now, Result.CANCELLED)
            changed = True
        elif (
            (clock.policy_id, clock.target_minutes, clock.calendar_id) != (policy.pk, target.minutes, target.calendar_id)
            or clock.calendar_id == retime_calendar_id
        ):
            _retarget(clock, policy, target, now)
            changed = True
    live_metrics = {clock.metric for clock in live if clock.state != ClockState.STOPPED}
    for metric in _metrics_to_start(ticket, targets, live_metrics):
        live.append(_new_clock(ticket, policy, targets[metric], now))
        changed = True
    if not changed:
        return False
    ticket.sla_policy = policy
    _save(ticket, live)
    record_changes(ticket, actor, [("sla_policy", old_policy, policy)], note=reason)
    return True


def _retarget(clock: Clock, policy: Policy, target: Target, now: datetime) -> None:
    running = clock.state == ClockState.RUNNING
    clock.elapsed_minutes = clock_minutes_used(clock, now)  # measured on the calendar it ran on until now
    clock.policy, clock.target_minutes, clock.calendar = policy, target.minutes, target.calendar
    if clock.elapsed_minutes <= clock.target_minutes:
        clock.breached_at = None
    if running:
        _run(clock, now, policy.warn_at_percent)


def _metrics_to_start(ticket: Ticket, targets: dict[str, Target], live_metrics: set[str]) -> list[str]:
    if behaviour(ticket.status).is_resolved:
        return []
    wanted = []
    if Metric.RESOLUTION in targets and Metric.RESOLUTION not in live_metrics:
        wanted.append(Metric.RESOLUTION)
    first = Metric.FIRST_RESPONSE
    if first in targets and first not in live_metrics and not Clock.objects.filter(ticket=ticket, metric=first).exists():
        if not _agent_has_replied(ticket):
            wanted.append(first)
    return wanted


def sla_reevaluate_many(
    *, reason: str, organization_id: int | None = None, calendar_id: int | None = None, batch: int = 200
) -> int:
    """Evaluate again every unresolved ticket concerned (all, an organization's, or those timed
    on a calendar), one short transaction per ticket; returns how many changed."""
    tickets = Ticket.objects.filter(status__in=UNRESOLVED_STATUSES)
    if organization_id is not None:
        tickets = tickets.filter(organization_id=organization_id)
    if calendar_id is not None:
        live = Clock.objects.filter(calendar_id=calendar_id).exclude(state=ClockState.STOPPED)
        tickets = tickets.filter(pk__in=live.values("ticket_id"))
    changed, last = 0, 0
    while ids := list(tickets.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch]):
        for pk in ids:
            with transaction.atomic():
                ticket = Ticket.objects.select_for_update(of=("self",)).select_related("organization").filter(pk=pk).first()
                if ticket is not None:
                    changed += sla_reevaluate(
                        ticket=ticket, now=wall_clock.now(), reason=reason, retime_calendar_id=calendar_id
                    )
        last = ids[-1]
    return changed
