"""Reads for goodwill credits, always through the permission policy: the lists, a ledger's totals
(summed as Decimal in Python, never as floats), an approver's month, and the limits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet

from atiende.accounts.models import User
from atiende.core import clock
from atiende.core.db import is_id
from atiende.core.exceptions import NotFound
from atiende.tickets.models import Ticket

from .models import GRANTED, Credit, CreditLimit, CreditStatus
from .permissions import credit_scope, is_approver

ZERO = Decimal("0.00")

# Per credit, per month (MXN); None: no limit. Admins edit them (CreditLimit rows).
DEFAULT_LIMITS: dict[str, tuple[Decimal | None, Decimal | None]] = {
    "agent": (Decimal("500.00"), Decimal("2000.00")),
    "supervisor": (Decimal("5000.00"), Decimal("50000.00")),
    "admin": (None, None),
}


@dataclass(frozen=True)
class Limits:
    role: str
    per_credit: Decimal | None  # None: no limit
    per_month: Decimal | None

    def allows(self, amount: Decimal | None, *, month_so_far: Decimal) -> bool:
        """Whether an approval of `amount` fits. An amend with no stated value fits only where
        there is no limit at all (nobody can show it is within one)."""
        if amount is None:
            return self.per_credit is None and self.per_month is None
        if self.per_credit is not None and amount > self.per_credit:
            return False
        return self.per_month is None or month_so_far + amount <= self.per_month


def limits_for(role: str) -> Limits:
    row = CreditLimit.objects.filter(role=role).first()
    if row is not None:
        return Limits(role, row.per_credit, row.per_month)
    per_credit, per_month = DEFAULT_LIMITS.get(role, (ZERO, ZERO))  # a role outside the table: nothing
    return Limits(role, per_credit, per_month)


def all_limits() -> list[Limits]:
    return [limits_for(role) for role in DEFAULT_LIMITS]


def month_start(now: datetime | None = None) -> datetime:
    """The first instant of the current calendar month in the company's time zone."""
    local = (now or clock.now()).astimezone(ZoneInfo(settings.TIME_ZONE))
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def approved_this_month(*, approver: User, now: datetime | None = None) -> Decimal:
    """What `approver` has granted this calendar month (their own offers within their limit and
    others' they approved), exact."""
    amounts = Credit.objects.filter(decided_by=approver, status__in=GRANTED, decided_at__gte=month_start(now),
                                    amount__isnull=False).values_list("amount", flat=True)
    return sum(amounts, ZERO)


@dataclass(frozen=True)
class CreditFilters:
    status: str = ""
    customer: int | None = None
    organization: int | None = None
    ticket: int | None = None


def credit_list(*, user: User, filters: CreditFilters | None = None) -> QuerySet[Credit]:
    qs = Credit.objects.filter(credit_scope(user)).select_related(
        "ticket", "customer", "organization", "requested_by", "decided_by", "used_by")
    f = filters or CreditFilters()
    if f.status:
        qs = qs.filter(status=f.status)
    if f.customer is not None:
        qs = qs.filter(customer_id=f.customer)
    if f.organization is not None:
        qs = qs.filter(organization_id=f.organization)
    if f.ticket is not None:
        qs = qs.filter(ticket_id=f.ticket)
    return qs


def credit_get(*, user: User, credit_id: Any) -> Credit:
    credit = credit_list(user=user).filter(pk=credit_id).first() if is_id(credit_id) else None
    if credit is None:
        raise NotFound()
    return credit


def credits_of_ticket(*, user: User, ticket: Ticket) -> QuerySet[Credit]:
    return credit_list(user=user, filters=CreditFilters(ticket=ticket.pk)).order_by("-id")


def pending_for(*, user: User) -> QuerySet[Credit]:
    """The approvals page: requests waiting, oldest first (none for someone who cannot approve)."""
    if not is_approver(user):
        return Credit.objects.none()
    return credit_list(user=user, filters=CreditFilters(status=CreditStatus.PENDING)).order_by("created_at", "id")


@dataclass
class Ledger:
    """Totals by status (MXN), and how many amends have no stated value."""

    totals: dict[str, Decimal] = field(default_factory=lambda: {s: ZERO for s in CreditStatus.values})
    counts: dict[str, int] = field(default_factory=lambda: {s: 0 for s in CreditStatus.values})
    without_value: int = 0

    @property
    def granted(self) -> Decimal:
        """Approved and used: what the customer was given."""
        return self.totals[CreditStatus.APPROVED] + self.totals[CreditStatus.USED]


def ledger_totals(rows: Iterable[tuple[str, Decimal | None]]) -> Ledger:
    ledger = Ledger()
    for status, amount in rows:
        ledger.counts[status] += 1
        if amount is None:
            ledger.without_value += 1
        else:
            ledger.totals[status] += amount
    return ledger


def ledger(*, user: User, filters: CreditFilters) -> Ledger:
    """The totals of every credit `user` sees that `filters` select (a customer's, an organization's)."""
    return ledger_totals(credit_list(user=user, filters=filters).order_by().values_list("status", "amount"))
