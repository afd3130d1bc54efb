"""Writes for goodwill credits: offer one from a ticket, approve or reject a pending one, mark a
granted one used, and set the approval limits.

Limits are checked while holding the deciding person's row lock, so two of their approvals at
once cannot both fit in what is left of their month; a decision holds the credit's row lock and
re-reads its status, so two approvals of the same request: one wins, the other gets 409. The
customer is told (a public message on the ticket, in their language) only once it is approved."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from atiende.accounts.models import Role, User
from atiende.accounts.services import system_actor
from atiende.core import clock
from atiende.core.audit import audit_record, state_of
from atiende.core.exceptions import Conflict, DomainError, Forbidden, Invalid, NotFound
from atiende.core.jobs import enqueue_after_commit
from atiende.core.mail import AUTO_GENERATED_HEADERS
from atiende.tickets.models import Ticket
from atiende.tickets.services import message_create

from . import wording
from .models import CURRENCY, MONEY_KINDS, Credit, CreditKind, CreditLimit, CreditStatus
from .permissions import (
    can_decide_credit,
    can_manage_ledger,
    can_offer_credit,
    can_set_limits,
    can_view_credit,
)
from .selectors import approved_this_month, limits_for

MAX_REASON = 2_000
MAX_NOTE = 2_000
MAX_AMOUNT = Decimal("9999999999.99")
AUDITED = ("status", "kind", "amount", "currency", "decided_by", "decision_note")


# --- validation ---------------------------------------------------------------------------------

def _text(raw: Any, field: str, *, max_length: int, required: bool = False) -> str:
    if raw is None:
        raw = ""
    if not isinstance(raw, str) or len(raw) > max_length:
        raise Invalid(fields={field: _("Send text of at most %(max)s characters.") % {"max": max_length}})
    text = raw.replace("\x00", "").strip()
    if required and not text:
        raise Invalid(fields={field: _("This field is required.")})
    return text


def parse_amount(raw: Any, field: str = "amount", *, allow_zero: bool = False) -> Decimal:
    """Pesos as a string ("1250.50", "1,250.50") or a JSON number: more than zero, at most two
    decimals. Numbers go through their text, so 0.1 is 0.10, never 0.1000000000000000055."""
    message = _("Write the amount in pesos, for example 1250.50.")
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float, Decimal)):
        raise Invalid(fields={field: message}, code="invalid_amount")
    try:
        amount = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        raise Invalid(fields={field: message}, code="invalid_amount") from None
    if not amount.is_finite() or amount < 0 or (amount == 0 and not allow_zero) or amount > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        raise Invalid(fields={field: _("The amount must be more than zero, with at most two decimals.")},
                      code="invalid_amount")
    return amount.quantize(Decimal("0.01"))


def _kind(raw: Any) -> str:
    if raw not in CreditKind.values:
        raise Invalid(fields={"kind": _("Choose one of: %(choices)s.") % {"choices": ", ".join(CreditKind.values)}},
                      code="invalid_kind")
    return str(raw)


def _currency(raw: Any) -> str:
    if raw in (None, ""):
        return CURRENCY
    if not isinstance(raw, str) or raw.strip().upper() != CURRENCY:
        raise Invalid(fields={"currency": _("Credits are in Mexican pesos: send MXN.")}, code="invalid_currency")
    return CURRENCY


def _value(kind: str, raw: Any) -> Decimal | None:
    if raw in (None, ""):
        if kind in MONEY_KINDS:
            raise Invalid(fields={"amount": _("A credit, a discount or a refund needs its amount in MXN.")},
                          code="amount_required")
        return None
    return parse_amount(raw)


# --- telling people -----------------------------------------------------------------------------

def _tell_customer(credit: Credit) -> None:
    """The public message on the ticket, by the "credits" system actor, in the customer's language.
    A ticket that takes no message (closed, a channel's window shut) does not undo the approval:
    the credit keeps why the customer was not told."""
    customer = credit.ticket.requester
    with translation.override(customer.language or settings.LANGUAGE_CODE):
        text = wording.approved_notice(credit, name=customer.greeting_name)
    try:
        credit.message = message_create(actor=system_actor("credits"), ticket=credit.ticket, body=text)
        credit.notice_problem = ""
    except DomainError as exc:
        credit.message, credit.notice_problem = None, str(exc.message or exc.code)[:300]
    credit.save(update_fields=["message", "notice_problem"])


def approvers_for(credit: Credit) -> list[User]:
    """Active supervisors and admins, except who asked, whose limit per credit covers it."""
    people = User.objects.filter(kind="agent", is_active=True, role__in=[Role.SUPERVISOR, Role.ADMIN]).exclude(
        pk=credit.requested_by_id).order_by("pk")
    limits = {role: limits_for(role) for role in (Role.SUPERVISOR, Role.ADMIN)}
    return [p for p in people if limits[p.role].allows(credit.amount, month_so_far=Decimal(0))]


def approval_request_mail(*, credit_id: int) -> int:
    """Mail each approver who could approve the pending credit (the task's work); how many went out."""
    credit = Credit.objects.select_related("ticket", "customer", "requested_by").filter(
        pk=credit_id, status=CreditStatus.PENDING).first()
    if credit is None:
        return 0
    sent = 0
    for person in approvers_for(credit):
        if not person.email:
            continue
        with translation.override(person.language or settings.LANGUAGE_CODE):
            subject, body = wording.approval_request_mail(credit)
        EmailMessage(subject=" ".join(subject.split()), body=body, from_email=settings.DEFAULT_FROM_EMAIL,
                     to=[person.email], headers=AUTO_GENERATED_HEADERS).send()
        sent += 1
    return sent


def _notify_approvers(credit: Credit) -> None:
    from .tasks import notify_approvers

    enqueue_after_commit(notify_approvers, credit_id=credit.pk)


# --- offering -----------------------------------------------------------------------------------

def _lock_person(user: User) -> None:
    """Serialises one person's decisions, so their month's total is read and added to atomically."""
    User.objects.select_for_update().filter(pk=user.pk).first()


def _fits(user: User, amount: Decimal | None) -> bool:
    return limits_for(user.role).allows(amount, month_so_far=approved_this_month(approver=user))


def credit_offer(*, actor: User, ticket: Ticket, kind: Any, reason: Any, amount: Any = None,
                 currency: Any = None) -> Credit:
    """Offer amends on `ticket` (which the caller may see). Within the offerer's limits (per credit
    and what they granted this month) it is approved at once and the customer told; above, it
    waits for a supervisor or admin, who are mailed."""
    if not can_offer_credit(actor, ticket):
        raise Forbidden()
    kind = _kind(kind)
    currency = _currency(currency)
    value = _value(kind, amount)
    reason = _text(reason, "reason", max_length=MAX_REASON, required=True)
    with transaction.atomic():
        _lock_person(actor)
        now = clock.now()
        within = _fits(actor, value)
        credit = Credit.objects.create(
            ticket=ticket, customer=ticket.requester, organization=ticket.organization or ticket.requester.organization,
            kind=kind, amount=value, currency=currency, reason=reason, requested_by=actor, created_at=now,
            status=CreditStatus.APPROVED if within else CreditStatus.PENDING, within_own_limit=within,
            decided_by=actor if within else None, decided_at=now if within else None)
        audit_record("credit.created", actor=actor, target=credit, after=state_of(credit, AUDITED))
        if within:
            _tell_customer(credit)
        else:
            _notify_approvers(credit)
    return credit


# --- deciding -----------------------------------------------------------------------------------

def _locked_pending(actor: User, credit: Credit) -> Credit:
    locked = Credit.objects.select_for_update(of=("self",)).select_related("ticket", "ticket__requester").filter(
        pk=credit.pk).first()
    if locked is None or not can_view_credit(actor, locked):
        raise NotFound()
    if locked.requested_by_id == actor.pk:
        raise Forbidden(_("No one approves or rejects their own request; another supervisor or admin must."),
                        code="own_request")
    if not can_decide_credit(actor, locked):
        raise Forbidden()
    if locked.status != CreditStatus.PENDING:
        raise Conflict(_("This credit was already decided: %(status)s.") % {"status": locked.get_status_display()},
                       code="already_decided")
    return locked


def credit_approve(*, actor: User, credit: Credit, note: Any = "") -> Credit:
    """Approve a pending credit within the approver's own limits; the customer is told."""
    note = _text(note, "note", max_length=MAX_NOTE)
    with transaction.atomic():
        locked = _locked_pending(actor, credit)
        _lock_person(actor)
        if not _fits(actor, locked.amount):
            raise Forbidden(_("This credit is above your approval limit; someone with a higher limit must approve "
                              "it."), code="over_your_limit")
        before = state_of(locked, AUDITED)
        locked.status, locked.decided_by, locked.decided_at, locked.decision_note = (
            CreditStatus.APPROVED, actor, clock.now(), note)
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit_record("credit.approved", actor=actor, target=locked, before=before, after=state_of(locked, AUDITED))
        _tell_customer(locked)
    return locked


def credit_reject(*, actor: User, credit: Credit, note: Any = "") -> Credit:
    """Reject a pending credit (the customer was never told of it, so is not told now)."""
    note = _text(note, "note", max_length=MAX_NOTE)
    with transaction.atomic():
        locked = _locked_pending(actor, credit)
        before = state_of(locked, AUDITED)
        locked.status, locked.decided_by, locked.decided_at, locked.decision_note = (
            CreditStatus.REJECTED, actor, clock.now(), note)
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit_record("credit.rejected", actor=actor, target=locked, before=before, after=state_of(locked, AUDITED))
    return locked


def credit_mark_used(*, actor: User, credit: Credit) -> Credit:
    """Finance applied an approved credit (on an invoice, a refund paid)."""
    if not can_manage_ledger(actor):
        raise Forbidden()
    with transaction.atomic():
        locked = Credit.objects.select_for_update().filter(pk=credit.pk).first()
        if locked is None:
            raise NotFound()
        if locked.status != CreditStatus.APPROVED:
            raise Conflict(_("Only an approved credit can be marked used; this one is: %(status)s.")
                           % {"status": locked.get_status_display()}, code="not_approved")
        locked.status, locked.used_by, locked.used_at = CreditStatus.USED, actor, clock.now()
        locked.save(update_fields=["status", "used_by", "used_at"])
        audit_record("credit.used", actor=actor, target=locked, after=state_of(locked, ("status", "used_by")))
    return locked


# --- limits -------------------------------------------------------------------------------------

def _limit(raw: Any, field: str) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    return parse_amount(raw, field, allow_zero=True)


def credit_limit_set(*, actor: User, role: Any, per_credit: Any, per_month: Any) -> CreditLimit:
    """An admin sets a role's limits (empty: no limit)."""
    if not can_set_limits(actor):
        raise Forbidden()
    if role not in (Role.AGENT, Role.SUPERVISOR, Role.ADMIN):
        raise Invalid(fields={"role": _("Choose agent, supervisor or admin.")})
    values = {"per_credit": _limit(per_credit, "per_credit"), "per_month": _limit(per_month, "per_month")}
    with transaction.atomic():
        before = limits_for(str(role))
        row, _created = CreditLimit.objects.update_or_create(role=role, defaults={**values, "updated_at": clock.now()})
        audit_record("credit_limit.changed", actor=actor, target=row,
                     before={"per_credit": before.per_credit, "per_month": before.per_month}, after=values)
    return row
