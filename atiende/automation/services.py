"""Running rules: triggers on ticket events, time rules from the scheduler, and dry runs.

Safety (docs/decisions/0024): a trigger's actions go through the ticket services, which call the
hooks again, so a trigger may fire another; runs nest at most `AUTOMATION_MAX_DEPTH` deep and a
ticket takes at most `AUTOMATION_RUNS_PER_TICKET` trigger runs per `AUTOMATION_RATE_WINDOW`
seconds. Past either limit the run stops, and the stop is recorded on the rule and in history."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from atiende.accounts.services import system_actor
from atiende.core import clock
from atiende.tickets.models import Ticket
from atiende.tickets.services.common import record_changes
from atiende.tickets.status import TicketStatus

from . import actions as rule_actions
from .conditions import holds
from .models import Outcome, RuleRun, Since, TimeRule, Trigger
from .selectors import active_triggers, ticket_snapshot

_depth: contextvars.ContextVar[int] = contextvars.ContextVar("automation_depth", default=0)
# Tickets whose chain of runs hit the loop guard: the outer runs of the same chain stop too, so
# one loop records one stop and leaves the ticket as the guard found it.
_stopped: contextvars.ContextVar[set[int] | None] = contextvars.ContextVar("automation_stopped", default=None)


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


@contextmanager
def _nested() -> Iterator[int]:
    token = _depth.set(_depth.get() + 1)
    stopped = _stopped.set(set()) if _stopped.get() is None else None
    try:
        yield _depth.get()
    finally:
        _depth.reset(token)
        if stopped is not None:
            _stopped.reset(stopped)


def run_triggers(event: str, ticket: Ticket, *, changes: dict[str, tuple[Any, Any]] | None = None) -> None:
    """Run the active triggers for `event` on `ticket`, in position order."""
    triggers = active_triggers(event)
    if not triggers:
        return
    with _nested() as depth:
        stopped = _stopped.get()
        assert stopped is not None
        if ticket.pk in stopped:
            return
        if depth > _setting("AUTOMATION_MAX_DEPTH", 3) or _too_many_runs(ticket):
            stopped.add(ticket.pk)
            _record_stop(triggers[0], ticket, depth)
            return
        snapshot = ticket_snapshot(ticket, changes=changes)
        for trigger in triggers:
            if not holds(trigger.conditions, snapshot):
                continue
            _run(trigger, ticket)
            if trigger.stop_processing or ticket.pk in stopped:
                break
            snapshot = ticket_snapshot(ticket, changes=changes)  # later rules see earlier changes


def _too_many_runs(ticket: Ticket) -> bool:
    since = clock.now() - timedelta(seconds=_setting("AUTOMATION_RATE_WINDOW", 600))
    limit = _setting("AUTOMATION_RUNS_PER_TICKET", 20)
    return RuleRun.objects.filter(ticket=ticket, trigger__isnull=False, created_at__gte=since).count() >= limit


def _record_stop(trigger: Trigger, ticket: Ticket, depth: int) -> None:
    detail = f"loop guard: depth {depth}" if depth > _setting("AUTOMATION_MAX_DEPTH", 3) else "loop guard: rate limit"
    RuleRun.objects.create(trigger=trigger, ticket=ticket, outcome=Outcome.STOPPED, detail=detail)
    record_changes(ticket, system_actor("automation"), [("rule_stopped", trigger.name, detail)])


def _run(rule: Trigger | TimeRule, ticket: Ticket, *, run: RuleRun | None = None) -> RuleRun:
    actor = system_actor("automation")
    done, problems = [], []
    for action in rule.actions:
        if ticket.status in (TicketStatus.CLOSED, TicketStatus.MERGED):
            problems.append(f"{rule_actions.describe(action)}: closed")
            continue
        problem = rule_actions.apply(action, ticket, actor=actor)
        (problems if problem else done).append(problem or rule_actions.describe(action))
    detail = "; ".join(done)[:500]
    record_changes(ticket, actor, [("rule", rule.name, detail or "—")])
    if problems:
        _report(rule, "; ".join(problems))
    run = run or RuleRun(ticket=ticket, trigger=rule if isinstance(rule, Trigger) else None)
    run.outcome = Outcome.PARTIAL if problems else Outcome.APPLIED
    run.detail = ("; ".join(problems) or detail)[:500]
    run.save()
    return run


def _report(rule: Trigger | TimeRule, problem: str) -> None:
    """Keep the last problem visible on the rule (its own row, not part of any ticket's change)."""
    type(rule).objects.filter(pk=rule.pk).update(problem=problem[:250])


# --- time rules --------------------------------------------------------------------------------

BATCH = 500


def business_cutoff(rule: TimeRule, now: datetime) -> datetime:
    """The latest instant from which `after_minutes` business minutes have passed by `now`."""
    wall = now - timedelta(minutes=rule.after_minutes)
    if rule.calendar is None:
        return wall
    from atiende.sla.selectors import arithmetic_for

    calendar = arithmetic_for(rule.calendar)
    # Business time never runs faster than the wall clock: the cutoff is at or before `wall`.
    # Bisect down to the second over the last year (between() is monotone in its start).
    low, high = wall - timedelta(days=366), wall
    if calendar.between(low, now) < rule.after_minutes:
        return low
    while (high - low) > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if calendar.between(middle, now) >= rule.after_minutes:
            low = middle
        else:
            high = middle
    return low


def time_rule_candidates(rule: TimeRule, now: datetime):
    """Tickets past the rule's business cutoff that it has not fired on (index-backed)."""
    cutoff = business_cutoff(rule, now)
    column = "created_at" if rule.since == Since.CREATED else "updated_at"
    tickets = Ticket.objects.filter(**{f"{column}__lte": cutoff}).exclude(
        status__in=[TicketStatus.CLOSED, TicketStatus.MERGED]
    )
    if rule.status:
        tickets = tickets.filter(status=rule.status)
    return tickets.exclude(pk__in=RuleRun.objects.filter(time_rule=rule).values("ticket_id"))


def time_rules_run(*, now: datetime | None = None, limit: int = 10_000) -> int:
    """One pass of every active time rule; returns how many rule runs it made. Safe to run twice:
    a run is recorded once per (rule, ticket) by a unique constraint, claimed before acting."""
    now = now or clock.now()
    fired = 0
    for rule in TimeRule.objects.filter(active=True).select_related("calendar").order_by("position", "id"):
        last_pk = 0
        while fired < limit:
            batch = list(time_rule_candidates(rule, now).filter(pk__gt=last_pk).order_by("pk")[:BATCH])
            if not batch:
                break
            last_pk = batch[-1].pk
            for ticket in batch:
                if holds(rule.conditions, ticket_snapshot(ticket)) and _fire_once(rule, ticket):
                    fired += 1
    return fired


def _fire_once(rule: TimeRule, ticket: Ticket) -> bool:
    try:
        with transaction.atomic():
            # Claim first: a second pass (or a concurrent worker) hits the unique constraint.
            claim = RuleRun.objects.create(time_rule=rule, ticket=ticket, outcome=Outcome.APPLIED)
            _run(rule, ticket, run=claim)
    except IntegrityError:
        return False  # another pass fired it first
    return True
