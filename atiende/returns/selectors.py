"""Reads for returns and repairs, always through the permission policy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from atiende.accounts.models import User
from atiende.assets.models import Asset
from atiende.core.db import is_id
from atiende.core.exceptions import NotFound
from atiende.tickets.models import Ticket

from .flow import RmaState, next_states
from .models import QuoteStatus, Rma, RmaCoverage, RmaEvent, RmaItem
from .permissions import can_decide_quote, can_move_rma, rma_scope

ITEMS = Prefetch("items", queryset=RmaItem.objects.select_related("asset__product", "replacement").order_by("id"))


@dataclass(frozen=True)
class RmaFilters:
    ticket: int | None = None
    customer: int | None = None
    state: str = ""


def rma_list(*, user: User, filters: RmaFilters | None = None) -> QuerySet[Rma]:
    qs = Rma.objects.filter(rma_scope(user)).select_related("ticket", "ticket__requester")
    f = filters or RmaFilters()
    if f.ticket is not None:
        qs = qs.filter(ticket_id=f.ticket)
    if f.customer is not None:
        qs = qs.filter(ticket__requester_id=f.customer)
    if f.state:
        qs = qs.filter(state=f.state)
    return qs


def rma_get(*, user: User, rma_id: Any) -> Rma:
    rma = rma_list(user=user).prefetch_related(ITEMS).filter(pk=rma_id).first() if is_id(rma_id) else None
    if rma is None:
        raise NotFound()
    return rma


def rmas_of_ticket(*, user: User, ticket: Ticket) -> QuerySet[Rma]:
    return rma_list(user=user, filters=RmaFilters(ticket=ticket.pk)).prefetch_related(ITEMS).order_by("-id")


def rmas_of_asset(*, user: User, asset: Asset) -> QuerySet[Rma]:
    """The RMAs an asset went through or came out of (as a replacement), newest first."""
    about = Q(pk__in=RmaItem.objects.filter(Q(asset=asset) | Q(replacement=asset)).values("rma_id"))
    return rma_list(user=user).filter(about).prefetch_related(ITEMS).order_by("-id")


def rma_timeline(*, rma: Rma) -> QuerySet[RmaEvent]:
    """Every step, oldest first, with who took it (the caller may see `rma`)."""
    return rma.events.select_related("actor").order_by("created_at", "id")


def allowed_next(rma: Rma) -> list[str]:
    """The steps the RMA may take now (a paid one is approved only after the customer accepts)."""
    steps = list(next_states(rma.state, method=rma.return_method, received=rma.received_at is not None))
    if rma.coverage == RmaCoverage.PAID and rma.quote_status != QuoteStatus.ACCEPTED:
        steps = [step for step in steps if step != RmaState.APPROVED]
    return steps


@dataclass(frozen=True)
class RmaActions:
    next_states: list[str]
    can_move: bool
    can_decide_quote: bool


def rma_actions(*, user: User, rma: Rma) -> RmaActions:
    move = can_move_rma(user, rma)
    decide = (can_decide_quote(user, rma) and rma.quote_status == QuoteStatus.PENDING
              and rma.state == RmaState.REQUESTED)
    return RmaActions(next_states=allowed_next(rma) if move else [], can_move=move, can_decide_quote=decide)
