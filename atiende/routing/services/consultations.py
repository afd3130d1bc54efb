"""The "no sé" protocol: ask a colleague or a tier, promise the customer a time, answer on time.

The asker keeps the ticket. The consultation's deadline runs on the asked team's business
calendar; a reminder goes out when three quarters of its time have passed, a breach alert at
the deadline (consultation_scan, from the scheduler); the answer lands on the ticket as an
internal note by whoever answered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from atiende.accounts.models import Team, User
from atiende.accounts.permissions import is_staff_agent
from atiende.core import clock
from atiende.core.exceptions import Conflict, Forbidden, Invalid, NotFound
from atiende.core.jobs import enqueue_after_commit
from atiende.sla.calendar import BusinessCalendar, CalendarError
from atiende.sla.selectors import arithmetic_for
from atiende.tickets.models import Channel, Ticket
from atiende.tickets.permissions import can_view_ticket
from atiende.tickets.services import channel_message_create, message_create
from atiende.tickets.status import behaviour

from ..models import AgentProfile, Consultation, TeamRouting
from ..permissions import can_answer_consultation, can_consult, can_view_consultation
from ..tasks import notify_consultation

MAX_QUESTION_CHARS = 5000
MAX_ANSWER_CHARS = 20_000
MAX_MINUTES = 10 * 24 * 60  # ten round-the-clock days of business minutes at most
# A scan handles at most this many reminders and breaches each (the rest on the next pass).
SCAN_BATCH = 500


def consultation_calendar(*, agent: User | None, team: Team | None) -> BusinessCalendar:
    """The asked agent's shift, else the asked team's calendar, else round the clock."""
    if agent is not None:
        profile = AgentProfile.objects.filter(agent=agent).select_related("shift").first()
        if profile is not None and profile.shift is not None:
            return arithmetic_for(profile.shift)
    if team is not None:
        config = TeamRouting.objects.filter(team=team).select_related("calendar").first()
        if config is not None and config.calendar is not None:
            return arithmetic_for(config.calendar)
    return BusinessCalendar.always_open()


@dataclass(frozen=True)
class Deadlines:
    due_at: datetime
    remind_at: datetime
    promise_at: datetime


def deadlines(calendar: BusinessCalendar, start: datetime, minutes: int) -> Deadlines:
    try:
        due = calendar.add(start, minutes)
        promise = calendar.add(due, settings.ROUTING_PROMISE_MARGIN_MINUTES)
        remind = calendar.add(start, minutes * 3 / 4)
    except CalendarError:
        raise Invalid(fields={"minutes": _("The calendar has no open time for this deadline.")}) from None
    return Deadlines(due_at=due, remind_at=remind, promise_at=promise)


def consultation_open(
    *, actor: User, ticket: Ticket, question: str, agent: User | None = None, team: Team | None = None,
    minutes: int | None = None,
) -> Consultation:
    """Ask `agent` or `team` (exactly one) a question about `ticket`, due in `minutes` business
    minutes (default ROUTING_CONSULTATION_MINUTES) of the asked side's calendar."""
    question = (question or "").strip()
    if not question:
        raise Invalid(fields={"question": _("Write the question.")})
    if len(question) > MAX_QUESTION_CHARS:
        raise Invalid(fields={"question": _("Use at most 5000 characters.")})
    if (agent is None) == (team is None):
        raise Invalid(fields={"agent": _("Ask either one agent or one team.")})
    if agent is not None and (not is_staff_agent(agent) or agent.pk == actor.pk):
        raise Invalid(fields={"agent": _("Ask another active agent.")})
    minutes = settings.ROUTING_CONSULTATION_MINUTES if minutes is None else minutes
    if not 1 <= minutes <= MAX_MINUTES:
        raise Invalid(fields={"minutes": _("Between 1 and 14400 business minutes.")})
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if not can_view_ticket(actor, ticket):
            raise NotFound()
        if not can_consult(actor, ticket):
            raise Forbidden()
        if behaviour(ticket.status).is_terminal:
            raise Conflict(_("This ticket is closed and cannot be changed."))
        now = clock.now()
        times = deadlines(consultation_calendar(agent=agent, team=team), now, minutes)
        consultation = Consultation.objects.create(
            ticket=ticket, asked_by=actor, asked_agent=agent, asked_team=team, question=question, created_at=now,
            due_at=times.due_at, remind_at=times.remind_at, promise_at=times.promise_at,
        )
        note = _("Consultation asked of %(who)s, due %(due)s: %(question)s") % {
            "who": (agent or team).name, "due": times.due_at.isoformat(timespec="minutes"), "question": question}
        message_create(actor=actor, ticket=ticket, body=note, internal=True, channel=Channel.INTERNAL)
        enqueue_after_commit(notify_consultation, consultation_id=consultation.pk, event="asked")
    return consultation


def consultation_answer(*, actor: User, consultation_id: int, answer: str) -> Consultation:
    """Answer once; the answer becomes an internal note on the ticket for its owner."""
    answer = (answer or "").strip()
    if not answer:
        raise Invalid(fields={"answer": _("Write the answer.")})
    if len(answer) > MAX_ANSWER_CHARS:
        raise Invalid(fields={"answer": _("Use at most 20000 characters.")})
    with transaction.atomic():
        consultation = (
            Consultation.objects.select_for_update(of=("self",)).select_related("ticket").filter(pk=consultation_id).first()
        )
        if consultation is None or not can_view_consultation(actor, consultation):
            raise NotFound()
        if not can_answer_consultation(actor, consultation):
            raise Forbidden()
        if not consultation.is_open:
            raise Conflict(_("This consultation was already answered."), code="answered")
        consultation.answer, consultation.answered_by, consultation.answered_at = answer, actor, clock.now()
        consultation.save(update_fields=["answer", "answered_by", "answered_at"])
        if not behaviour(consultation.ticket.status).is_terminal:
            body = _("Answer to the consultation “%(question)s”:\n\n%(answer)s") % {
                "question": consultation.question, "answer": answer}
            channel_message_create(ticket=consultation.ticket, author=actor, body=body, channel=Channel.INTERNAL,
                                   internal=True)
        enqueue_after_commit(notify_consultation, consultation_id=consultation.pk, event="answered")
    return consultation


@dataclass(frozen=True)
class ScanResult:
    reminded: int
    breached: int


def consultation_scan(*, now: datetime | None = None) -> ScanResult:
    """Remind the asked side of consultations near their deadline, and raise those past it.

    Safe to run twice at once: each row is claimed by a conditional update."""
    now = now or clock.now()
    reminded = breached = 0
    open_ = Consultation.objects.filter(answered_at__isnull=True)
    for pk in list(open_.filter(remind_at__lte=now, reminded_at__isnull=True).values_list("pk", flat=True)[:SCAN_BATCH]):
        with transaction.atomic():
            if open_.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=now):
                reminded += 1
                enqueue_after_commit(notify_consultation, consultation_id=pk, event="reminder")
    for pk in list(open_.filter(due_at__lte=now, breached_at__isnull=True).values_list("pk", flat=True)[:SCAN_BATCH]):
        with transaction.atomic():
            if not open_.filter(pk=pk, breached_at__isnull=True).update(breached_at=now):
                continue
            breached += 1
            consultation = Consultation.objects.select_related("ticket", "asked_agent", "asked_team").get(pk=pk)
            if not behaviour(consultation.ticket.status).is_terminal:
                who = (consultation.asked_agent or consultation.asked_team).name
                channel_message_create(
                    ticket=consultation.ticket, author=None, channel=Channel.INTERNAL, internal=True,
                    body=_("The consultation asked of %(who)s is overdue: %(question)s") % {
                        "who": who, "question": consultation.question},
                )
            enqueue_after_commit(notify_consultation, consultation_id=pk, event="breached")
    return ScanResult(reminded=reminded, breached=breached)
