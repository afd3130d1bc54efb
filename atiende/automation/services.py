"""Running rules: triggers on ticket events, time rules from the scheduler, and dry runs.

Safety (docs/decisions/0024): a trigger's actions go through the ticket services, which call the
hooks again, so a trigger may fire another; runs nest at most `AUTOMATION_MAX_DEPTH` deep and a
ticket takes at most `AUTOMATION_RUNS_PER_TICKET` trigger runs per `AUTOMATION_RATE_WINDOW`
seconds. Past either limit the run stops, and the stop is recorded on the rule and in history."""

from __future__ import annotations

import contextvars
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q

from atiende.accounts.services import system_actor
from atiende.core import clock
from atiende.core.audit import audit_record, state_of
from atiende.tickets.models import Ticket
from atiende.tickets.services.common import record_changes
from atiende.tickets.status import TicketStatus

from . import actions as rule_actions
from .conditions import holds
from .models import Event, Outcome, RuleRun, Since, TimeRule, Trigger
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
        snapshot = ticket_snapshot(ticket, changes=changes)
        checked = False
        for trigger in triggers:
            if not holds(trigger.conditions, snapshot):
                continue
            if not checked:  # the guard's queries only when something would run
                checked = True
                if depth > _setting("AUTOMATION_MAX_DEPTH", 3) or _too_many_runs(ticket):
                    stopped.add(ticket.pk)
                    _record_stop(trigger, ticket, depth)
                    return
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
    done: list[str] = []
    problems: list[str] = []
    for action in rule.actions:
        if ticket.status in (TicketStatus.CLOSED, TicketStatus.MERGED):
            problems.append(f"{rule_actions.describe(action)}: closed")
            continue
        problem = rule_actions.apply(action, ticket, actor=actor, rule_name=rule.name)
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


def time_rule_candidates(rule: TimeRule, now: datetime, *, since_last_pass: bool = False):
    """Tickets past the rule's business cutoff that it has not fired on.

    With `since_last_pass` (the scheduled pass), only those that can have become due since the
    rule's last complete pass: counted from `updated_at`, the ones whose instant is past the last
    cutoff (`swept_until`); counted from `created_at`, those plus any ticket updated since that
    pass (its status or fields may match now). Both are range scans of the tickets' indexes
    (status, -updated_at) / (-updated_at) / (-created_at), so a pass reads what became due, not
    the hundreds of thousands of tickets the rule already fired on (decision 0024)."""
    cutoff = business_cutoff(rule, now)
    column = "created_at" if rule.since == Since.CREATED else "updated_at"
    tickets = Ticket.objects.filter(**{f"{column}__lte": cutoff}).exclude(
        status__in=[TicketStatus.CLOSED, TicketStatus.MERGED]
    )
    if rule.status:
        tickets = tickets.filter(status=rule.status)
    if since_last_pass and rule.swept_until is not None:
        recent = Q(**{f"{column}__gt": rule.swept_until})
        if rule.since == Since.CREATED:
            recent |= Q(updated_at__gt=rule.swept_at)
        tickets = tickets.filter(recent)
    return tickets.exclude(Exists(RuleRun.objects.filter(time_rule=rule, ticket_id=OuterRef("pk"))))


def time_rules_run(*, now: datetime | None = None, limit: int = 10_000) -> int:
    """One pass of every active time rule; returns how many rule runs it made. Safe to run twice,
    even at once: a run is recorded once per (rule, ticket) by a unique constraint, claimed before
    acting. A rule whose pass ends (not cut by `limit`) remembers its cutoff: the next pass starts
    from there."""
    now = now or clock.now()
    fired = 0
    for rule in TimeRule.objects.filter(active=True).select_related("calendar").order_by("position", "id"):
        cutoff = business_cutoff(rule, now)
        done, count = _time_rule_pass(rule, now, limit - fired)
        fired += count
        if done:
            # Never move a watermark back (a slower concurrent pass finishing after a newer one).
            TimeRule.objects.filter(pk=rule.pk).filter(Q(swept_until__isnull=True) | Q(swept_until__lt=cutoff)).update(
                swept_until=cutoff, swept_at=now)
        if fired >= limit:
            break
    return fired


def _time_rule_pass(rule: TimeRule, now: datetime, budget: int) -> tuple[bool, int]:
    """Fire `rule` on its new candidates, newest first, in batches of ids (keyset over the
    indexes), each batch's tickets then read in one query. (whether it finished, how many fired)"""
    column = "created_at" if rule.since == Since.CREATED else "updated_at"
    candidates = time_rule_candidates(rule, now, since_last_pass=True).order_by(f"-{column}", "-id")
    fired, last = 0, None
    while True:
        page = candidates if last is None else candidates.filter(
            Q(**{f"{column}__lt": last[0]}) | Q(**{column: last[0], "id__lt": last[1]}))
        keys = list(page.values_list(column, "id")[:BATCH])
        if not keys:
            return True, fired
        last = keys[-1]
        tickets = Ticket.objects.filter(pk__in=[pk for _at, pk in keys]).select_related("requester").order_by(
            f"-{column}", "-id")
        for ticket in tickets:
            if fired >= budget:
                return False, fired
            if holds(rule.conditions, ticket_snapshot(ticket)) and _fire_once(rule, ticket):
                fired += 1


def _fire_once(rule: TimeRule, ticket: Ticket) -> bool:
    try:
        with transaction.atomic():
            # Claim first: a second pass (or a concurrent worker) hits the unique constraint.
            claim = RuleRun.objects.create(time_rule=rule, ticket=ticket, outcome=Outcome.APPLIED)
            _run(rule, ticket, run=claim)
    except IntegrityError:
        return False  # another pass fired it first
    return True


# --- managing rules (admins) --------------------------------------------------------------------

COMMON_FIELDS = ("name", "active", "position", "conditions", "actions")
RULE_FIELDS = {Trigger: COMMON_FIELDS + ("event", "stop_processing"),
               TimeRule: COMMON_FIELDS + ("status", "since", "after_minutes", "calendar")}


def _check_admin(actor: Any) -> None:
    from atiende.accounts.permissions import is_admin
    from atiende.core.exceptions import Forbidden

    if not is_admin(actor):
        raise Forbidden()


def rule_clean(model: type[Trigger] | type[TimeRule], values: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """Checked values for a rule; a 400 whose `fields` name each bad spot ("conditions.all[0].op")."""
    from django.utils.translation import gettext as _
    from django.utils.translation import gettext_noop

    from atiende.core.exceptions import Invalid

    from . import conditions as rule_conditions

    errors: dict[str, str] = {}
    if not partial or "name" in values:
        name = " ".join(str(values.get("name") or "").split())
        if not name or len(name) > 100:
            errors["name"] = gettext_noop("Write a name of at most 100 characters.")
        values["name"] = name
    if "conditions" in values:
        errors.update(rule_conditions.validate(values["conditions"]))
        values["conditions"] = values["conditions"] or {}
    if not partial or "actions" in values:
        errors.update(rule_actions.validate(values.get("actions")))
    if model is TimeRule and (not partial or "after_minutes" in values):
        minutes = values.get("after_minutes")
        if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= 366 * 24 * 60:
            errors["after_minutes"] = gettext_noop("Give a whole number of minutes, at most a year.")
    if model is Trigger and (not partial or "event" in values) and values.get("event") not in Event.values:
        errors["event"] = gettext_noop("Unknown event.")
    if model is TimeRule and values.get("since", Since.UPDATED) not in Since.values:
        errors["since"] = gettext_noop("Unknown starting point.")
    if model is TimeRule and values.get("status") not in (None, "", *TicketStatus.values):
        errors["status"] = gettext_noop("Unknown status.")
    for field in ("name", "conditions", "actions"):
        # PostgreSQL stores no NUL character (text or jsonb): refused here, not a database error.
        if field in values and field not in errors and "\\u0000" in json.dumps(values[field]):
            errors[field] = gettext_noop("Remove the NUL characters.")
    if errors:
        raise Invalid(fields={key: _(message) for key, message in errors.items()})
    return values


def rule_create(*, actor: Any, model: type[Trigger] | type[TimeRule], values: dict[str, Any]) -> Trigger | TimeRule:
    _check_admin(actor)
    values = rule_clean(model, {k: v for k, v in values.items() if k in RULE_FIELDS[model]}, partial=False)
    with transaction.atomic():
        rule = model.objects.create(**values)
        audit_record("trigger.changed", actor=actor, target=rule, after=state_of(rule, RULE_FIELDS[model]))
    return rule


def rule_update(*, actor: Any, rule: Trigger | TimeRule, changes: dict[str, Any]) -> Trigger | TimeRule:
    _check_admin(actor)
    changes = rule_clean(type(rule), {k: v for k, v in changes.items() if k in RULE_FIELDS[type(rule)]}, partial=True)
    before = state_of(rule, RULE_FIELDS[type(rule)])
    for key, value in changes.items():
        setattr(rule, key, value)
    rule.updated_at = clock.now()
    if "actions" in changes:
        rule.problem = ""  # a fixed rule starts with a clean slate
    if isinstance(rule, TimeRule) and changes.keys() & {"conditions", "status", "since", "after_minutes", "calendar",
                                                        "active"}:
        rule.swept_until = rule.swept_at = None  # what it matches changed: the next pass looks at every ticket again
    with transaction.atomic():
        rule.save()
        audit_record("trigger.changed", actor=actor, target=rule, before=before,
                     after=state_of(rule, RULE_FIELDS[type(rule)]))
    return rule


def rule_delete(*, actor: Any, rule: Trigger | TimeRule) -> None:
    _check_admin(actor)
    with transaction.atomic():
        audit_record("trigger.changed", actor=actor, target=rule, before=state_of(rule, RULE_FIELDS[type(rule)]))
        rule.delete()


DRY_RUN_SCAN = 500
DRY_RUN_SHOW = 50


def rule_dry_run(*, actor: Any, rule: Trigger | TimeRule) -> list[dict[str, Any]]:
    """Which existing tickets the rule would match now, and what it would do to each. Writes nothing.

    A trigger is tried on the newest open tickets (its event is taken as having happened); a time
    rule on the tickets its next pass would consider."""
    _check_admin(actor)
    if isinstance(rule, TimeRule):
        tickets = time_rule_candidates(rule, clock.now()).order_by("pk")[:DRY_RUN_SCAN]
    else:
        tickets = Ticket.objects.exclude(status__in=[TicketStatus.CLOSED, TicketStatus.MERGED]).order_by(
            "-updated_at", "-id")[:DRY_RUN_SCAN]
    plan = [rule_actions.describe(a) for a in rule.actions]
    matches = []
    for ticket in tickets.select_related("requester", "organization", "sla_policy"):
        if holds(rule.conditions, ticket_snapshot(ticket)):
            matches.append({"ticket": ticket.number, "id": ticket.pk, "subject": ticket.subject, "changes": plan})
            if len(matches) >= DRY_RUN_SHOW:
                break
    return matches
