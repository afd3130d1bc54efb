"""Writes of the metrics app: outcomes given when a ticket is solved, and the event record."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from atiende.accounts.models import User
from atiende.accounts.permissions import is_admin, is_agent, is_system
from atiende.assets.models import Asset, AssetLink
from atiende.core import clock
from atiende.core.exceptions import Forbidden, Invalid
from atiende.customers.permissions import customer_of
from atiende.sla.models import Clock, Result
from atiende.tickets.models import AuthorKind, Message, MessageKind, Ticket
from atiende.tickets.status import TicketStatus, behaviour

from . import selectors, timing
from .history import NEGATIVE_RATING as _NEGATIVE
from .history import Fact, first_contact_resolution
from .models import (
    EventKind,
    MetricEvent,
    OutcomeKind,
    OutcomeReason,
    OutcomeSettings,
    TicketFact,
    TicketOutcome,
)

OUTCOME_FIELDS = ("outcome", "outcome_reason", "outcome_asset")


# --- outcomes ------------------------------------------------------------------------------------

def outcome_settings_update(*, actor: User, outcome_required: bool) -> OutcomeSettings:
    if not is_admin(actor):
        raise Forbidden()
    found = selectors.outcome_settings()
    found.outcome_required = bool(outcome_required)
    found.save()
    return found


def outcome_reason_create(*, actor: User, name: str, position: int = 0) -> OutcomeReason:
    if not is_admin(actor):
        raise Forbidden()
    name = " ".join(str(name or "").split())
    if not name or len(name) > 100:
        raise Invalid(fields={"name": _("Write a name of at most 100 characters.")})
    if OutcomeReason.objects.filter(name__iexact=name).exists():
        raise Invalid(fields={"name": _("A reason with this name exists.")})
    return OutcomeReason.objects.create(name=name, position=position)


def outcome_record(*, actor: User | None, ticket: Ticket, details: Mapping[str, Any]) -> TicketOutcome | None:
    """The outcome given with solving `ticket` (called by the ticket hooks while it is solved).

    A person agent must give one while the workspace requires it; a customer who marks their
    request solved says it is solved; the product solving on its own gives none."""
    kind = details.get("outcome") or ""
    if not kind:
        if customer_of(actor) is not None:
            kind = OutcomeKind.SOLVED
        elif is_agent(actor) and selectors.outcome_settings().outcome_required:
            raise Invalid(_("Say how the ticket ended before solving it."), code="outcome_required",
                          fields={"outcome": _("Choose the outcome: solved, solved with a workaround, or not solved.")})
        else:
            return None
    if kind not in OutcomeKind.values:
        raise Invalid(code="outcome_invalid",
                      fields={"outcome": _("Unknown outcome: use solved, workaround or not_solved.")})
    reason = _reason(kind, details.get("outcome_reason"))
    asset = _asset(ticket, details.get("outcome_asset"))
    return TicketOutcome.objects.create(
        ticket=ticket, episode=selectors.solved_episodes(ticket) + 1, kind=kind, reason=reason, asset=asset,
        actor=actor if actor is not None and not is_system(actor) else None,
    )


def _reason(kind: str, raw: Any) -> OutcomeReason | None:
    if kind != OutcomeKind.NOT_SOLVED:
        if raw not in (None, ""):
            raise Invalid(code="outcome_invalid", fields={"outcome_reason": _("A reason goes only with “not solved”.")})
        return None
    if raw in (None, ""):
        raise Invalid(code="outcome_reason_required",
                      fields={"outcome_reason": _("Choose why the ticket was not solved.")})
    reason = None
    if str(raw).isdigit():
        reason = OutcomeReason.objects.filter(pk=int(raw), active=True).first()
    if reason is None:
        raise Invalid(code="outcome_invalid", fields={"outcome_reason": _("Unknown reason.")})
    return reason


def _asset(ticket: Ticket, raw: Any) -> Asset | None:
    if raw in (None, ""):
        return None
    owned = Q(customer_id=ticket.requester_id) | Q(pk__in=AssetLink.objects.filter(ticket=ticket).values("asset_id"))
    if ticket.organization_id is not None:
        owned |= Q(organization_id=ticket.organization_id)
    asset = Asset.objects.filter(owned, pk=int(raw)).first() if str(raw).isdigit() else None
    if asset is None:
        raise Invalid(code="outcome_invalid",
                      fields={"outcome_asset": _("Choose a product of this customer or linked to the ticket.")})
    return asset


# --- the event record ----------------------------------------------------------------------------

def _is_person_agent(user: User | None) -> bool:
    return is_agent(user)


def _event(ticket: Ticket, kind: str, *, actor: User | None, at=None, **fields: Any) -> MetricEvent:
    event = MetricEvent.objects.create(
        ticket=ticket, kind=kind, at=at or clock.now(), actor=actor, team_id_then=ticket.team_id,
        channel=ticket.channel, automatic=actor is not None and is_system(actor), **fields,
    )
    fact_refresh(ticket.pk)
    return event


def record_created(ticket: Ticket, *, actor: User | None) -> None:
    _event(ticket, EventKind.CREATED, actor=actor, at=ticket.created_at)


def record_created_many(tickets: list[Ticket]) -> None:
    """A mailbox import's thousands of new tickets: their `created` facts in one insert."""
    MetricEvent.objects.bulk_create([
        MetricEvent(ticket=ticket, kind=EventKind.CREATED, at=ticket.created_at, team_id_then=ticket.team_id,
                    channel=ticket.channel) for ticket in tickets])
    facts_rebuild([ticket.pk for ticket in tickets])


def record_message(message: Message, *, actor: User | None) -> None:
    """A public reply: an agent's counts for the agent figures only when a person wrote it."""
    if message.kind != MessageKind.PUBLIC:
        return
    ticket = message.ticket
    episode = selectors.solved_episodes(ticket)
    if message.author_kind == AuthorKind.CUSTOMER:
        _event(ticket, EventKind.CUSTOMER_REPLY, actor=actor, at=message.created_at, episode=episode)
        return
    author = message.author_user
    if message.author_kind != AuthorKind.AGENT or not _is_person_agent(author):
        return  # automatic replies (acknowledgements, rules) are no agent's work
    first = not MetricEvent.objects.filter(ticket=ticket, kind=EventKind.FIRST_REPLY).exists()
    since = ticket.created_at if first else selectors.unanswered_since(ticket, before=message.created_at)
    took = timing.duration(since, message.created_at, timing.ticket_calendar(ticket)) if since else None
    _event(ticket, EventKind.FIRST_REPLY if first else EventKind.REPLY, actor=actor, at=message.created_at,
           agent=author, episode=episode, calendar_seconds=took.calendar_seconds if took else None,
           business_seconds=took.business_seconds if took else None)


def record_status(ticket: Ticket, *, actor: User | None, old: str, new: str) -> None:
    now = ticket.updated_at
    episode = selectors.solved_episodes(ticket)
    agent = actor if _is_person_agent(actor) else None
    _event(ticket, EventKind.STATUS_CHANGED, actor=actor, at=now, status_from=old, status_to=new, episode=episode,
           agent=agent)
    if new == TicketStatus.SOLVED and old != TicketStatus.SOLVED:
        took = timing.duration(ticket.created_at, now, timing.ticket_calendar(ticket))
        outcome = TicketOutcome.objects.filter(ticket=ticket, episode=episode + 1).values_list("kind", flat=True).first()
        _event(ticket, EventKind.SOLVED, actor=actor, at=now, episode=episode + 1, agent=agent,
               outcome=outcome or "", calendar_seconds=took.calendar_seconds, business_seconds=took.business_seconds)
    elif old in (TicketStatus.SOLVED, TicketStatus.CLOSED) and behaviour(new).is_active:
        solved_at = selectors.last_solved_at(ticket)
        took = timing.duration(solved_at, now, timing.ticket_calendar(ticket)) if solved_at else None
        _event(ticket, EventKind.REOPENED, actor=actor, at=now, episode=episode, agent=agent,
               calendar_seconds=took.calendar_seconds if took else None,
               business_seconds=took.business_seconds if took else None)


def record_survey_answer(ticket: Ticket, *, episode: int, rating: int, agent_id: int | None) -> MetricEvent:
    """A survey answered (or answered again: each answer is a fact; figures read the last)."""
    event = MetricEvent.objects.create(
        ticket=ticket, kind=EventKind.SURVEY_ANSWERED, at=clock.now(), episode=episode, rating=rating,
        agent_id=agent_id, team_id_then=ticket.team_id, channel=ticket.channel,
    )
    fact_refresh(ticket.pk)
    return event


# --- the reports' rows (TicketFact), kept current by the record ---------------------------------

# Ticket fields whose change moves the ticket to another group of the reports.
FACT_FIELDS = frozenset({"team", "assignee", "organization", "requester"})
_FACT_EVENT_COLUMNS = ("kind", "at", "episode", "outcome", "rating", "agent_id", "calendar_seconds", "business_seconds")


def fact_refresh(ticket_id: int) -> None:
    """Rewrite the ticket's report row from its whole record (a few indexed reads).

    Locks the row first, so of two transactions writing events of one ticket the later one reads
    the earlier's committed events after waiting, and the row ends with both."""
    with transaction.atomic():
        list(TicketFact.objects.select_for_update().filter(pk=ticket_id).values_list("pk"))
        for row in _fact_rows([ticket_id]):
            row.save()  # an UPDATE, or the INSERT of the ticket's first row


def facts_rebuild(ticket_ids: list[int]) -> int:
    """Rewrite the report rows of these tickets from their records (also the backfill command's)."""
    rows = _fact_rows(ticket_ids)
    with transaction.atomic():
        TicketFact.objects.filter(pk__in=[row.ticket_id for row in rows]).delete()
        TicketFact.objects.bulk_create(rows)
    return len(rows)


def _fact_rows(ticket_ids: list[int]) -> list[TicketFact]:
    if not ticket_ids:
        return []
    tickets = {t.pk: t for t in Ticket.objects.filter(pk__in=ticket_ids).select_related("organization")}
    events: dict[int, list[tuple]] = {pk: [] for pk in tickets}
    for row in (MetricEvent.objects.filter(ticket_id__in=list(tickets)).order_by("ticket_id", "at", "id")
                .values_list("ticket_id", *_FACT_EVENT_COLUMNS)):
        events[row[0]].append(row[1:])
    products = dict(TicketOutcome.objects.filter(ticket_id__in=list(tickets), asset__isnull=False)
                    .order_by("ticket_id", "episode").values_list("ticket_id", "asset__product_id"))
    clocks: dict[int, list[str]] = {pk: [] for pk in tickets}
    for ticket_id, result in (Clock.objects.filter(ticket_id__in=list(tickets), result__in=[Result.MET, Result.BREACHED])
                              .values_list("ticket_id", "result")):
        clocks[ticket_id].append(result)
    return [_fact_row(ticket, events[pk], products.get(pk), clocks[pk]) for pk, ticket in tickets.items()]


def _fact_row(ticket: Ticket, events: list[tuple], product_id: int | None, clock_results: list[str]) -> TicketFact:
    history = [Fact(kind=kind, at=at, episode=episode, outcome=outcome, rating=rating)
               for kind, at, episode, outcome, rating, *_rest in events]
    first = next((e for e in events if e[0] == EventKind.FIRST_REPLY), None)
    solves = [e for e in events if e[0] == EventKind.SOLVED]
    last = solves[-1] if solves else None
    reopens = [e for e in events if e[0] == EventKind.REOPENED]
    answers = [e for e in events if e[0] == EventKind.SURVEY_ANSWERED]
    episode_answers = [e for e in answers if last is not None and e[2] == last[2]]
    organization = ticket.organization
    return TicketFact(
        ticket_id=ticket.pk, created_epoch=_epoch(ticket.created_at), channel=ticket.channel, team_id=ticket.team_id,
        agent_id=(last[5] if last and last[5] else None) or (first[5] if first else None) or ticket.assignee_id,
        organization_id=ticket.organization_id, segment=organization.segment if organization else "",
        plan_id=organization.support_plan_id if organization else None, product_id=product_id,
        outcome=last[3] if last else "",
        first_reply_epoch=_epoch(first[1]) if first else None, first_reply_seconds=first[6] if first else None,
        first_reply_business_seconds=first[7] if first else None,
        solved_epoch=_epoch(last[1]) if last else None, solve_seconds=last[6] if last else None,
        solve_business_seconds=last[7] if last else None,
        reopens=len(reopens), open_again=bool(last and any(e[1] > last[1] for e in reopens)),
        first_contact=first_contact_resolution(history),
        negative_answer=bool(episode_answers and episode_answers[-1][4] is not None
                             and episode_answers[-1][4] <= _NEGATIVE),
        rating=answers[-1][4] if answers else None, rated_epoch=_epoch(answers[-1][1]) if answers else None,
        sla_met=clock_results.count(Result.MET), sla_breached=clock_results.count(Result.BREACHED),
    )


def _epoch(moment) -> int:
    return int(moment.timestamp())
