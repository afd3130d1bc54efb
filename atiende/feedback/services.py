"""Writes of the feedback app: scheduling, sending and answering satisfaction surveys."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from atiende.accounts.models import User
from atiende.accounts.permissions import is_admin, is_system
from atiende.accounts.services import system_actor
from atiende.core import clock
from atiende.core.exceptions import Conflict, Forbidden, Invalid
from atiende.core.jobs import enqueue_after_commit
from atiende.core.mail import AUTO_GENERATED_HEADERS
from atiende.customers.models import Customer, IdentityKind, Segment, SupportPlan
from atiende.metrics import selectors as metric_selectors
from atiende.metrics import services as metric_services
from atiende.tickets import channels
from atiende.tickets.models import Channel, Ticket
from atiende.tickets.services.facts import ticket_facts_changed
from atiende.tickets.status import TicketStatus

from . import selectors
from .facts import SatisfactionFacts
from .models import (
    NpsAudience,
    NpsSettings,
    NpsState,
    NpsSurvey,
    Survey,
    SurveySettings,
    SurveyState,
)

MAX_COMMENT_CHARS = 2000
SPAM_TAG = "spam"  # the product has no spam status: agents tag junk "spam"
SENT_STATUSES = frozenset({TicketStatus.SOLVED, TicketStatus.CLOSED})


def survey_settings_update(*, actor: User, enabled: bool, delay_minutes: int | None) -> SurveySettings:
    if not is_admin(actor):
        raise Forbidden()
    found = selectors.survey_settings()
    found.enabled, found.delay_minutes = bool(enabled), delay_minutes
    found.full_clean()
    found.save()
    return found


def survey_schedule(*, ticket: Ticket, actor: User | None) -> Survey | None:
    """A survey for the episode `ticket` was just solved in (call from the ticket hooks, after
    the metric record has its `solved` event). None for a ticket the product solved on its own,
    a spam one, or when surveys are off; at most one per episode."""
    if (actor is not None and is_system(actor)) or not selectors.survey_settings().enabled:
        return None
    if ticket.tags.filter(name__iexact=SPAM_TAG).exists():
        return None
    episode = metric_selectors.solved_episodes(ticket)
    survey, _created = Survey.objects.get_or_create(
        ticket=ticket, episode=episode, defaults={"due_at": clock.now() + selectors.survey_delay()},
    )
    return survey


def surveys_cancel_pending(*, ticket: Ticket) -> int:
    """A reopened (or merged) ticket is not asked about the episode that ended."""
    return Survey.objects.filter(ticket=ticket, state=SurveyState.SCHEDULED).update(state=SurveyState.CANCELLED)


def surveys_send_due(*, limit: int = 200) -> int:
    """Send the surveys whose delay has passed (the beat job); returns how many went out."""
    due = list(Survey.objects.filter(state=SurveyState.SCHEDULED, due_at__lte=clock.now())
               .order_by("due_at", "id").values_list("pk", flat=True)[:limit])
    return sum(1 for pk in due if survey_send(survey_id=pk))


def survey_send(*, survey_id: int, notify: bool = True) -> bool:
    """Send one scheduled survey if its ticket is still solved (else cancel it). `notify=False`
    marks it sent without mail (demo data: the portal still shows it)."""
    with transaction.atomic():
        survey = Survey.objects.select_for_update().select_related("ticket").filter(
            pk=survey_id, state=SurveyState.SCHEDULED).first()
        if survey is None:
            return False
        ticket = survey.ticket
        if ticket.status not in SENT_STATUSES:
            survey.state = SurveyState.CANCELLED
            survey.save(update_fields=["state"])
            return False
        survey.state, survey.sent_at = SurveyState.SENT, clock.now()
        # Frozen: a later reassignment does not move the credit. Unassigned, the agent who solved it.
        survey.agent_id = ticket.assignee_id or metric_selectors.last_solver_id(ticket)
        survey.team_id = ticket.team_id
        survey.channel = _survey_channel(ticket)
        survey.save(update_fields=["state", "sent_at", "agent", "team", "channel"])
        if notify and survey.channel == Channel.EMAIL:
            from .tasks import send_survey_email  # here: the task module imports this one

            enqueue_after_commit(send_survey_email, survey_id=survey.pk)
        elif notify and survey.channel != Channel.PORTAL:
            from .tasks import send_survey_notice

            enqueue_after_commit(send_survey_notice, survey_id=survey.pk)
    return True


def _survey_channel(ticket: Ticket) -> str:
    """Where the survey goes: the conversation's own channel when its adapter sends notices
    (WhatsApp, Telegram: a message with the link), else email, else only the portal's page."""
    if ticket.channel not in (Channel.EMAIL, Channel.PORTAL) and channels.notice_possible(ticket):
        return ticket.channel
    return Channel.EMAIL if _email_of(ticket) else Channel.PORTAL


def survey_notice_send(*, survey_id: int) -> bool:
    """Send the survey's link into the ticket's conversation (WhatsApp, Telegram). When the channel
    does not take it (WhatsApp's 24 hours have passed, the bot was blocked), by email instead."""
    survey = Survey.objects.select_related("ticket__requester").filter(pk=survey_id, state=SurveyState.SENT).first()
    if survey is None:
        return False
    ticket, customer = survey.ticket, survey.ticket.requester
    with translation.override(customer.language or settings.LANGUAGE_CODE):
        body = _("Hello %(name)s, your request %(ref)s was solved. How did we do? Rate the help from 1 to 5 "
                 "here (the link works for %(days)s days): %(link)s") % {
            "name": customer.greeting_name, "ref": ticket.reference, "days": settings.CSAT_LINK_DAYS,
            "link": survey_link(survey)}
        notice = channels.Notice(subject=_("[%(ref)s] How did we do?") % {"ref": ticket.reference}, body=body)
    if channels.notice_send(ticket, notice):
        return True
    fallback = Channel.EMAIL if _email_of(ticket) else Channel.PORTAL
    Survey.objects.filter(pk=survey.pk).update(channel=fallback)
    return survey_email_send(survey_id=survey.pk) if fallback == Channel.EMAIL else False


def _email_of(ticket: Ticket) -> str | None:
    identities = ticket.requester.identities.filter(kind=IdentityKind.EMAIL, undeliverable=False)
    return identities.order_by("-is_primary", "id").values_list("value", flat=True).first()


def survey_link(survey: Survey, *, rating: int | None = None) -> str:
    return settings.PUBLIC_URL.rstrip("/") + selectors.survey_path(survey) + (f"?rating={rating}" if rating else "")


def survey_email_send(*, survey_id: int) -> bool:
    """Mail the survey to the requester: one link per rating, each opening the form with that
    rating chosen (opening records nothing: only the form's button does)."""
    survey = Survey.objects.select_related("ticket__requester").filter(pk=survey_id, state=SurveyState.SENT).first()
    address = _email_of(survey.ticket) if survey else None
    if address is None:
        return False
    ticket, customer = survey.ticket, survey.ticket.requester
    with translation.override(customer.language or settings.LANGUAGE_CODE):
        subject = _("[%(ref)s] How did we do?") % {"ref": ticket.reference}
        links = "\n".join(f"  {n} — {label}: {survey_link(survey, rating=n)}" for n, label in rating_labels())
        body = _("Hello %(name)s,\n\nYour request %(ref)s, \"%(subject)s\", was solved. How satisfied are you "
                 "with the help you got? Choose a rating (you can add a comment before sending):\n\n%(links)s\n\n"
                 "The link works for %(days)s days. Thank you for telling us.\n\nKind regards,\n%(signature)s\n") % {
            "name": customer.greeting_name, "ref": ticket.reference, "subject": ticket.subject, "links": links,
            "days": settings.CSAT_LINK_DAYS, "signature": settings.SITE_NAME}
    EmailMessage(subject=" ".join(subject.split()), body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[address],
                 headers=AUTO_GENERATED_HEADERS).send()
    return True


def rating_labels() -> list[tuple[int, str]]:
    return [(1, _("Very dissatisfied")), (2, _("Dissatisfied")), (3, _("Neutral")), (4, _("Satisfied")),
            (5, _("Very satisfied"))]


def clean_rating(raw: Any) -> int | None:
    text = str(raw or "").strip()
    return int(text) if text.isdigit() and 1 <= int(text) <= 5 else None


def survey_answer(*, survey: Survey, rating: Any, comment: Any = "") -> Survey:
    """Record (or replace) the answer: one per survey, never a duplicate."""
    value = clean_rating(rating)
    if value is None:
        raise Invalid(code="rating_invalid", fields={"rating": _("Choose a rating from 1 to 5.")})
    text = str(comment or "").strip()
    if len(text) > MAX_COMMENT_CHARS:
        raise Invalid(fields={"comment": _("Write at most %(count)s characters.") % {"count": MAX_COMMENT_CHARS}})
    with transaction.atomic():
        survey = Survey.objects.select_for_update().select_related("ticket").get(pk=survey.pk)
        if survey.state not in (SurveyState.SENT, SurveyState.ANSWERED):
            raise Conflict(_("This survey cannot be answered."))
        before = SatisfactionFacts().facts(survey.ticket)
        survey.rating, survey.comment, survey.answered_at = value, text, clock.now()
        survey.state = SurveyState.ANSWERED
        survey.save(update_fields=["rating", "comment", "answered_at", "state"])
        metric_services.record_survey_answer(survey.ticket, episode=survey.episode, rating=value,
                                             agent_id=survey.agent_id)
        # Announced as a change of the ticket's facts: history shows it, triggers of
        # `satisfaction.answered` run (a bad rating can tag, assign, notify).
        after = SatisfactionFacts().facts(survey.ticket)
        ticket_facts_changed(actor=system_actor("feedback"), ticket=survey.ticket,
                             changes=[(name, before[name], after[name]) for name in after])
    return survey


# --- NPS -----------------------------------------------------------------------------------------


def nps_settings_update(*, actor: User, enabled: bool, audience: str, segment: str = "",
                        plan: SupportPlan | None = None, sample_percent: int = 100) -> NpsSettings:
    """Who is asked and how many (admins). A segment or plan audience needs its segment or plan."""
    if not is_admin(actor):
        raise Forbidden()
    errors = {}
    if audience == NpsAudience.SEGMENT and segment not in Segment.values:
        errors["segment"] = _("Choose the segment to ask.")
    if audience == NpsAudience.PLAN and plan is None:
        errors["plan"] = _("Choose the support plan to ask.")
    if errors:
        raise Invalid(fields=errors)
    found = selectors.nps_settings()
    found.enabled, found.audience, found.sample_percent = bool(enabled), audience, sample_percent
    found.segment = segment if audience == NpsAudience.SEGMENT else ""
    found.plan = plan if audience == NpsAudience.PLAN else None
    found.full_clean()
    found.save()
    return found


def nps_send_due(*, limit: int = 500, notify: bool = True) -> int:
    """The periodic pass: ask this period's sample of the contacts who may be asked now. Idempotent:
    a contact asked stops being a candidate, and the period's sample is the same on every pass."""
    conf = selectors.nps_settings()
    if not conf.enabled:
        return 0
    now = clock.now()
    cycle = selectors.nps_cycle(now)
    sent = 0
    for customer_id in selectors.nps_candidates(now).order_by("pk").values_list("pk", flat=True).iterator():
        if sent >= limit:
            break
        if selectors.in_sample(customer_id, cycle, conf.sample_percent) and nps_send(
                customer_id=customer_id, notify=notify):
            sent += 1
    return sent


def nps_send(*, customer_id: int, notify: bool = True) -> NpsSurvey | None:
    """Ask one contact, if they still may be asked (checked again under the contact's row lock, so
    two passes at once ask once). `notify=False` records it without mail (demo data)."""
    with transaction.atomic():
        customer = Customer.objects.select_for_update().filter(pk=customer_id).first()
        now = clock.now()
        if customer is None or not selectors.nps_candidates(now).filter(pk=customer_id).exists():
            return None
        survey, created = NpsSurvey.objects.get_or_create(customer=customer, cycle=selectors.nps_cycle(now),
                                                          defaults={"sent_at": now})
        if not created:
            return None
        if notify:
            from .tasks import send_nps_email  # here: the task module imports this one

            enqueue_after_commit(send_nps_email, survey_id=survey.pk)
    return survey


def nps_link(survey: NpsSurvey, *, score: int | None = None) -> str:
    return (settings.PUBLIC_URL.rstrip("/") + selectors.nps_path(survey)
            + (f"?score={score}" if score is not None else ""))


def nps_email_send(*, survey_id: int) -> bool:
    """Mail the question: one link per score, each opening the form with it chosen (opening
    records nothing: only the form's button does)."""
    survey = NpsSurvey.objects.select_related("customer").filter(pk=survey_id).first()
    address = _address_of(survey.customer) if survey else None
    if address is None:
        return False
    customer = survey.customer
    with translation.override(customer.language or settings.LANGUAGE_CODE):
        subject = _("How likely are you to recommend %(site)s?") % {"site": settings.SITE_NAME}
        links = "\n".join(f"  {n}: {nps_link(survey, score=n)}" for n in range(11))
        body = _("Hello %(name)s,\n\nOn a scale from 0 (not at all likely) to 10 (extremely likely), how likely "
                 "are you to recommend us to a friend or colleague? Choose a number (you can tell us why before "
                 "sending):\n\n%(links)s\n\nThe link works for %(days)s days. Thank you for telling us.\n\n"
                 "Kind regards,\n%(signature)s\n") % {
            "name": customer.greeting_name, "links": links, "days": settings.NPS_LINK_DAYS,
            "signature": settings.SITE_NAME}
    EmailMessage(subject=" ".join(subject.split()), body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[address],
                 headers=AUTO_GENERATED_HEADERS).send()
    return True


def _address_of(customer: Customer) -> str | None:
    identities = customer.identities.filter(kind=IdentityKind.EMAIL, undeliverable=False)
    return identities.order_by("-is_primary", "id").values_list("value", flat=True).first()


def clean_score(raw: Any) -> int | None:
    text = str("" if raw is None else raw).strip()
    return int(text) if text.isdigit() and 0 <= int(text) <= 10 else None


def nps_answer(*, survey: NpsSurvey, score: Any, comment: Any = "") -> NpsSurvey:
    """Record (or replace) the contact's answer: one per survey, never a duplicate."""
    value = clean_score(score)
    if value is None:
        raise Invalid(code="score_invalid", fields={"score": _("Choose a number from 0 to 10.")})
    text = str(comment or "").strip()
    if len(text) > MAX_COMMENT_CHARS:
        raise Invalid(fields={"comment": _("Write at most %(count)s characters.") % {"count": MAX_COMMENT_CHARS}})
    with transaction.atomic():
        survey = NpsSurvey.objects.select_for_update().get(pk=survey.pk)
        survey.score, survey.comment, survey.answered_at = value, text, clock.now()
        survey.state = NpsState.ANSWERED
        survey.save(update_fields=["score", "comment", "answered_at", "state"])
    return survey
