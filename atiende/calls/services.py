"""Writes for calls: logging a call onto a ticket's timeline, caller-id events from a telephony
system, a customer's request to be called back, and connecting a telephony system.

A call becomes a phone message. A customer's call with no ticket given goes through the inbound
port (channel `phone`, external id = the call's id, so a retry of the same call creates
nothing); a call on a ticket an agent chose is appended through the ticket services, the
customer's words for an incoming call, the agent's for an outgoing one (public, so the customer
sees we called and the SLA counts it as our answer, but never sent to them by email: they heard
it). Live notices go out after commit and carry the call's id only."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import formats, translation
from django.utils.translation import gettext as _

from atiende.accounts.models import User, UserKind
from atiende.core import clock
from atiende.core.broadcast import INBOX_GROUP, broadcast_after_commit
from atiende.core.exceptions import Conflict, Forbidden, Invalid
from atiende.customers.models import Customer, IdentityKind
from atiende.customers.permissions import customer_of
from atiende.customers.services import customer_get_or_create_by_identity
from atiende.tickets.inbound import Inbound, SenderIdentity
from atiende.tickets.models import Channel, Ticket
from atiende.tickets.permissions import can_reply_publicly, can_view_ticket
from atiende.tickets.services import (
    channel_message_create,
    channel_ticket_create,
    inbound_receive,
    message_create,
)
from atiende.tickets.services import ticket_create as _ticket_create

from . import wording
from .models import Call, CallEvent, CallState, Direction, Outcome, TelephonySystem
from .permissions import can_log_calls, can_manage_telephony
from .selectors import customer_by_phone, phone_clean, token_hash

MAX_SECONDS = 24 * 60 * 60
MAX_NOTES = 10_000
MAX_CALL_ID = 200
FUTURE_SKEW = timedelta(minutes=5)  # a telephony system's clock a little ahead is not an error
CALLBACK_DAYS = 14
MAX_TOPIC = 200


# --- logging a call -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Logged:
    call: Call
    duplicate: bool = False


def call_log(
    *, actor: User, phone: str, direction: str, outcome: str, started_at: datetime | None = None,
    duration_seconds: int = 0, notes: str = "", ticket_id: int | None = None, call_id: str = "", name: str = "",
) -> Logged:
    """An agent logs a call. The same `call_id` twice is one call (the first is returned)."""
    if not can_log_calls(actor):
        raise Forbidden()
    phone = phone_clean(phone)
    started_at = _checked(direction=direction, outcome=outcome, started_at=started_at,
                          duration_seconds=duration_seconds, notes=notes)
    external_id = _external_id(call_id)
    earlier = Call.objects.filter(external_id=external_id).first()
    if earlier is not None:
        return Logged(earlier, duplicate=True)
    ticket = _ticket_for(actor, ticket_id, direction)
    call = Call(phone=phone, direction=direction, outcome=outcome, started_at=started_at,
                duration_seconds=duration_seconds, notes=(notes or "").strip(), agent=actor, external_id=external_id,
                state=CallState.ENDED, answered_at=started_at if outcome == Outcome.ANSWERED else None)
    try:
        with transaction.atomic():
            _record(call, ticket=ticket, actor=actor, name=name)
    except IntegrityError:  # the same call id logged concurrently
        earlier = Call.objects.filter(external_id=external_id).first()
        if earlier is None:
            raise
        return Logged(earlier, duplicate=True)
    return Logged(call)


def _checked(*, direction: str, outcome: str, started_at: datetime | None, duration_seconds: int, notes: str) -> datetime:
    fields = {}
    if direction not in Direction.values:
        fields["direction"] = _("Use inbound or outbound.")
    if outcome not in Outcome.values:
        fields["outcome"] = _("Unknown outcome.")
    now = clock.now()
    if started_at is None:
        started_at = now
    elif started_at.tzinfo is None or started_at.utcoffset() is None:
        fields["started_at"] = _("Give the time with its time zone.")
    elif started_at > now + FUTURE_SKEW:
        fields["started_at"] = _("A call cannot start in the future.")
    if not isinstance(duration_seconds, int) or not 0 <= duration_seconds <= MAX_SECONDS:
        fields["duration_seconds"] = _("Between 0 and %(max)s seconds.") % {"max": MAX_SECONDS}
    if len(notes or "") > MAX_NOTES:
        fields["notes"] = _("Use at most %(count)s characters.") % {"count": MAX_NOTES}
    if fields:
        raise Invalid(fields=fields)
    return started_at


def _external_id(call_id: str) -> str:
    call_id = (call_id or "").strip()
    if len(call_id) > MAX_CALL_ID or any(ord(char) < 32 for char in call_id):
        raise Invalid(fields={"call_id": _("At most %(count)s printable characters.") % {"count": MAX_CALL_ID}})
    return f"log:{call_id}" if call_id else f"log:{uuid.uuid4().hex}"


def _ticket_for(actor: User, ticket_id: int | None, direction: str) -> Ticket | None:
    """The ticket the agent named; one they may not see is unknown (nothing tells it exists)."""
    if ticket_id is None:
        return None
    ticket = Ticket.objects.filter(pk=ticket_id).first()
    if ticket is None or not can_view_ticket(actor, ticket):
        raise Invalid(code="unknown_ticket", fields={"ticket": _("Unknown ticket.")})
    if not can_reply_publicly(actor, ticket):
        raise Conflict(_("This ticket is closed; log the call without a ticket to open a new one."),
                       fields={"ticket": _("This ticket is closed.")})
    return ticket


def _record(call: Call, *, ticket: Ticket | None, actor: User | None, name: str = "") -> None:
    """Inside a transaction: the customer by number, the message, then the call row."""
    customer = customer_get_or_create_by_identity(kind=IdentityKind.PHONE, value=call.phone, name=name)
    with translation.override(_language(customer)):
        text = wording.call_summary(direction=call.direction, outcome_label=str(Outcome(call.outcome).label),
                                    seconds=call.duration_seconds, notes=call.notes,
                                    answered=call.outcome == Outcome.ANSWERED)
        subject = (_("Call from %(phone)s") if call.direction == Direction.INBOUND else _("Call to %(phone)s")) % {
            "phone": call.phone}
    call.customer = customer
    if ticket is not None and call.direction == Direction.INBOUND:
        message = channel_message_create(ticket=ticket, author=customer, body=text, channel=Channel.PHONE)
    elif ticket is not None:
        message = message_create(actor=actor, ticket=ticket, body=text, channel=Channel.PHONE, deliver=False)
    elif call.direction == Direction.INBOUND:
        result = inbound_receive(Inbound(channel=Channel.PHONE, external_id=call.external_id,
                                         sender=SenderIdentity(IdentityKind.PHONE, call.phone, name), text=text,
                                         received_at=call.started_at, subject=subject))
        ticket, message = Ticket.objects.get(pk=result.ticket_id), None
        call.message_id = result.message_id
    else:
        ticket = _ticket_create(actor=actor, subject=subject, body=text, requester=customer, channel=Channel.PHONE)
        message = ticket.messages.order_by("pk").first()
    call.ticket = ticket
    if message is not None:
        call.message = message
    call.updated_at = clock.now()
    call.save()


def _language(customer: Customer) -> str:
    wanted = customer.language or settings.LANGUAGE_CODE
    return wanted if wanted in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


# --- caller id ----------------------------------------------------------------------------------

def telephony_system_create(*, actor: User | None, name: str) -> tuple[TelephonySystem, str]:
    """Connect a telephony system; returns it with its token, which is shown this once."""
    if actor is not None and not can_manage_telephony(actor):
        raise Forbidden()
    name = " ".join((name or "").split())
    if not name or len(name) > 120:
        raise Invalid(fields={"name": _("Write a name of at most 120 characters.")})
    token = "tel_" + secrets.token_urlsafe(32)
    system = TelephonySystem.objects.create(name=name, token_hash=token_hash(token), token_hint=token[:8])
    return system, token


EVENT_RANK = {CallState.RINGING: 0, CallState.ANSWERED: 1, CallState.ENDED: 2}


def call_event_receive(
    *, system: TelephonySystem, event: str, call_id: str, from_number: str = "", extension: str = "",
    agent_email: str = "", duration_seconds: int | None = None, outcome: str = "",
) -> tuple[Call, bool]:
    """One caller-id event (ringing, answered, ended) for an incoming call; (call, duplicate).

    The same (call, event) twice is taken in once. An event that comes late (a ringing after the
    answer) is recorded but does not move the call back. `ended` logs the call as the customer's
    phone message through the inbound port."""
    if event not in EVENT_RANK:
        raise Invalid(code="unknown_event", fields={"event": _("Use ringing, answered or ended.")})
    call_id = (call_id or "").strip()
    if not call_id or len(call_id) > MAX_CALL_ID or any(ord(char) < 32 for char in call_id):
        raise Invalid(fields={"call_id": _("At most %(count)s printable characters.") % {"count": MAX_CALL_ID}})
    if duration_seconds is not None and not 0 <= duration_seconds <= MAX_SECONDS:
        raise Invalid(fields={"duration_seconds": _("Between 0 and %(max)s seconds.") % {"max": MAX_SECONDS}})
    if outcome and outcome not in Outcome.values:
        raise Invalid(fields={"outcome": _("Unknown outcome.")})
    external_id = f"pbx{system.pk}:{call_id}"
    phone = phone_clean(from_number, "from") if from_number else ""
    try:
        with transaction.atomic():
            call = Call.objects.select_for_update().filter(external_id=external_id).first()
            if call is None:
                if not phone:
                    raise Invalid(fields={"from": _("Give the caller's number with the call's first event.")})
                call = _call_started(system, external_id, phone, extension)
            if CallEvent.objects.filter(call=call, event=event).exists():
                return call, True
            CallEvent.objects.create(system=system, call=call, event=event)
            _apply(call, event, extension=extension, agent_email=agent_email, duration_seconds=duration_seconds,
                   outcome=outcome)
            broadcast_after_commit(INBOX_GROUP, {"type": "call.changed", "call_id": call.pk})
    except IntegrityError:  # the same first event on two workers at once: the other one took it in
        call = Call.objects.get(external_id=external_id)
        return call, True
    return call, False


def _call_started(system: TelephonySystem, external_id: str, phone: str, extension: str) -> Call:
    now = clock.now()
    return Call.objects.create(phone=phone, direction=Direction.INBOUND, state=CallState.RINGING, started_at=now,
                               customer=customer_by_phone(phone), system=system, external_id=external_id,
                               extension=extension[:32], created_at=now, updated_at=now)


def _apply(call: Call, event: str, *, extension: str, agent_email: str, duration_seconds: int | None,
           outcome: str) -> None:
    now = clock.now()
    if extension:
        call.extension = extension[:32]
    if agent_email:
        call.agent = User.objects.filter(email__iexact=agent_email.strip(), kind=UserKind.AGENT, is_active=True).first()
    if event == CallState.ANSWERED and call.answered_at is None:
        call.answered_at = now
    moves = EVENT_RANK[event] > EVENT_RANK[CallState(call.state)]
    if moves:
        call.state = event
    call.updated_at = now
    if event != CallState.ENDED or not moves:
        call.save()
        return
    answered = call.answered_at is not None
    call.outcome = outcome or (Outcome.ANSWERED if answered else Outcome.MISSED)
    if duration_seconds is not None:
        call.duration_seconds = duration_seconds
    elif answered:
        call.duration_seconds = min(int((now - call.answered_at).total_seconds()), MAX_SECONDS)
    _record(call, ticket=None, actor=None)


# --- call back ----------------------------------------------------------------------------------

class OpenHours(Protocol):
    """Business hours as the SLA calendar answers them (`sla.calendar.BusinessCalendar`); the
    screen that asks for a call back hands them over, so calls need not know SLA."""

    def is_open(self, instant: datetime) -> bool: ...

    def next_opening(self, instant: datetime) -> datetime: ...


def callback_request(*, actor: User, phone: str, preferred_at: datetime | None, topic: str, hours: OpenHours,
                     time_zone: str) -> Ticket:
    """A signed-in customer asks to be called back: a phone ticket whose agreed time is the
    preferred one, which must be in the future, within CALLBACK_DAYS and within business hours."""
    me = customer_of(actor)
    if me is None:
        raise Forbidden()
    phone = phone_clean(phone)
    topic = " ".join((topic or "").split())
    if not topic:
        raise Invalid(fields={"topic": _("Tell us what the call is about.")})
    if len(topic) > MAX_TOPIC:
        raise Invalid(fields={"topic": _("Use at most %(count)s characters.") % {"count": MAX_TOPIC}})
    when = _callback_time(preferred_at, hours, time_zone)
    local = formats.date_format(when.astimezone(_zone(time_zone)), "DATETIME_FORMAT")
    subject = _("Call back requested: %(topic)s") % {"topic": topic}
    body = _("Please call me at %(phone)s on %(time)s (%(zone)s).\n\nTopic: %(topic)s") % {
        "phone": phone, "time": local, "zone": time_zone, "topic": topic}
    ticket, _message = channel_ticket_create(requester=me, subject=subject[:250], body=body, channel=Channel.PHONE,
                                             acknowledge=False, agreed_at=when)
    return ticket


def _callback_time(preferred_at: datetime | None, hours: OpenHours, time_zone: str) -> datetime:
    now = clock.now()
    if preferred_at is None or preferred_at.tzinfo is None:
        raise Invalid(fields={"preferred_at": _("Choose a date and time.")})
    if preferred_at <= now:
        raise Invalid(code="in_the_past", fields={"preferred_at": _("Choose a time that has not passed.")})
    if preferred_at > now + timedelta(days=CALLBACK_DAYS):
        raise Invalid(code="too_far", fields={"preferred_at": _("Choose a time within the next %(days)s days.") % {
            "days": CALLBACK_DAYS}})
    if not hours.is_open(preferred_at):
        opening = hours.next_opening(preferred_at)
        local = formats.date_format(opening.astimezone(_zone(time_zone)), "DATETIME_FORMAT")
        raise Invalid(code="outside_business_hours", fields={"preferred_at": _(
            "We are closed at that time. The next time we can call you is %(time)s.") % {"time": local}})
    return preferred_at


def _zone(time_zone: str):
    from zoneinfo import ZoneInfo

    return ZoneInfo(time_zone)
