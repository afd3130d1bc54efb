"""Reads for calls: the calls of a number, who is calling, and a telephony system by its token."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from atiende.accounts.models import User
from atiende.core import clock
from atiende.core.exceptions import Forbidden, Invalid, NotFound
from atiende.customers.identities import PHONE_KINDS, normalize_phone
from atiende.customers.models import Customer, Identity
from atiende.tickets.models import Ticket
from atiende.tickets.permissions import ticket_scope
from atiende.tickets.status import UNRESOLVED_STATUSES

from .models import Call, CallState, TelephonySystem
from .permissions import can_log_calls, can_see_callers

NOTICE_TICKETS = 5
# A notice stays on screen while the call rings or goes on (within an hour: a PBX that never
# sent "ended" must not leave it there forever), and for a minute after it ended.
RINGING_FOR = timedelta(hours=1)
ENDED_SHOWN_FOR = timedelta(minutes=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def system_for_token(token: str) -> TelephonySystem | None:
    """The active telephony system this bearer token belongs to (compared as hashes, by an
    indexed lookup: no timing to learn from, since the hash of a guess reveals nothing)."""
    if not token or len(token) > 200:
        return None
    return TelephonySystem.objects.filter(token_hash=token_hash(token), active=True).first()


def phone_clean(raw: str, field: str = "phone") -> str:
    try:
        return normalize_phone(raw or "")
    except ValidationError as exc:
        raise Invalid(" ".join(exc.messages), code="invalid_phone", fields={field: " ".join(exc.messages)}) from None


def customer_by_phone(phone: str) -> Customer | None:
    """The customer whose phone or WhatsApp identity is this E.164 number (no one is created)."""
    identity = (Identity.objects.filter(kind__in=PHONE_KINDS, value=phone, customer__merged_into__isnull=True)
                .select_related("customer__organization").order_by("pk").first())
    return identity.customer if identity else None


def call_list(*, user: User, phone: str | None = None) -> QuerySet[Call]:
    """Calls agents may see: those without a ticket, and those on tickets they may see."""
    if not can_log_calls(user):
        raise Forbidden()
    calls = (Call.objects.select_related("customer", "agent", "ticket")
             .filter(Q(ticket__isnull=True) | Q(ticket__in=Ticket.objects.filter(ticket_scope(user))))
             .order_by("-started_at", "-pk"))
    if phone:
        calls = calls.filter(phone=phone_clean(phone))
    return calls


@dataclass(frozen=True)
class CallerNotice:
    call: Call
    customer: Customer | None
    open_tickets: list[Ticket]
    open_count: int


def caller_notice(*, user: User, call: Call) -> CallerNotice:
    if not can_see_callers(user):
        raise Forbidden()
    customer = call.customer or customer_by_phone(call.phone)
    if customer is None:
        return CallerNotice(call, None, [], 0)
    open_tickets = (Ticket.objects.filter(ticket_scope(user), requester=customer, status__in=UNRESOLVED_STATUSES)
                    .order_by("-updated_at", "-pk"))
    return CallerNotice(call, customer, list(open_tickets[:NOTICE_TICKETS]), open_tickets.count())


def caller_notices(*, user: User) -> list[CallerNotice]:
    """The calls ringing or going on now, and those ended in the last minute, newest first."""
    if not can_see_callers(user):
        raise Forbidden()
    now = clock.now()
    calls = (Call.objects.select_related("customer__organization", "agent")
             .filter(system__isnull=False)
             .filter(Q(state__in=[CallState.RINGING, CallState.ANSWERED], started_at__gte=now - RINGING_FOR)
                     | Q(state=CallState.ENDED, updated_at__gte=now - ENDED_SHOWN_FOR))
             .order_by("-started_at", "-pk")[:10])
    return [caller_notice(user=user, call=call) for call in calls]


def call_get_for_notice(*, user: User, call_id: int) -> CallerNotice:
    if not can_see_callers(user):
        raise Forbidden()
    call = Call.objects.select_related("customer__organization", "agent").filter(pk=call_id).first()
    if call is None:
        raise NotFound()
    return caller_notice(user=user, call=call)


def ticket_id_by_number(number: int) -> int | None:
    """The id of the ticket with this number, for forms that take a number; whether the agent
    may see it is the service's check (an unknown and a hidden ticket get the same answer)."""
    return Ticket.objects.filter(number=number).values_list("pk", flat=True).first()


def requester_phone(*, user: User, number: int) -> str:
    """The phone of the requester of ticket `number`, to prefill the call form opened from that
    ticket: empty when the agent may not see the ticket or the requester has no phone."""
    ticket = Ticket.objects.filter(ticket_scope(user), number=number).select_related("requester").first()
    if ticket is None or not can_log_calls(user):
        return ""
    return (Identity.objects.filter(customer_id=ticket.requester_id, kind__in=PHONE_KINDS)
            .order_by("-is_primary", "kind", "pk").values_list("value", flat=True).first() or "")
