"""Reads of the feedback app."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek
from django.urls import reverse

from atiende.accounts.permissions import is_agent, sees_all_tickets
from atiende.core import clock
from atiende.core.exceptions import Forbidden
from atiende.customers.models import Customer, Identity, IdentityKind
from atiende.customers.permissions import customer_of
from atiende.tickets.models import Ticket
from atiende.tickets.permissions import ticket_scope
from atiende.tickets.status import TicketStatus

from . import tokens
from .models import NpsAudience, NpsSettings, NpsSurvey, Survey, SurveySettings, SurveyState

FOLLOW_UP_RATING = 2  # ratings at or below this need someone to follow up


def survey_settings() -> SurveySettings:
    found, _created = SurveySettings.objects.get_or_create(pk=1)
    return found


def survey_delay() -> timedelta:
    configured = survey_settings().delay_minutes
    return timedelta(minutes=settings.CSAT_DELAY_MINUTES if configured is None else configured)


def link_expires_at(survey: Survey):
    return survey.sent_at + timedelta(days=settings.CSAT_LINK_DAYS) if survey.sent_at else None


@dataclass(frozen=True)
class TokenLookup:
    survey: Survey | None
    problem: str  # "" when the survey can be answered; "invalid", "expired", "closed"


def survey_for_token(token: str) -> TokenLookup:
    """The survey a link names, if it can still be answered. Whatever is wrong with a link, the
    page says so plainly: a tampered token and an unknown one look the same (nothing is told)."""
    public_id = tokens.read_token(token)
    survey = (Survey.objects.select_related("ticket").filter(public_id=public_id).first()
              if public_id is not None else None)
    if survey is None or survey.state not in (SurveyState.SENT, SurveyState.ANSWERED):
        return TokenLookup(None, "invalid")
    if clock.now() >= link_expires_at(survey):
        return TokenLookup(None, "expired")
    return TokenLookup(survey, "")


def satisfaction_by_ticket(tickets: Sequence[Ticket]) -> dict[int, dict[str, Any]]:
    """The answer of each ticket's latest answered survey, by ticket id (one query)."""
    found: dict[int, dict[str, Any]] = {}
    rows = (Survey.objects.filter(ticket_id__in=[t.pk for t in tickets], rating__isnull=False)
            .order_by("ticket_id", "-episode").values_list("ticket_id", "rating", "comment", "answered_at"))
    for ticket_id, rating, comment, answered_at in rows:
        found.setdefault(ticket_id, {"rating": rating, "comment": comment, "answered_at": answered_at})
    return found


def portal_survey(*, user, ticket: Ticket) -> Survey | None:
    """The survey the requester may answer on the ticket's page (sent, not expired): theirs
    only, not their organization admin's, who sees the request but was not the one helped."""
    if ticket.status not in (TicketStatus.SOLVED, TicketStatus.CLOSED):
        return None  # asked only about a solved request (and no query for the others)
    me = customer_of(user)
    if me is None or me.pk != ticket.requester_id:
        return None
    survey = (Survey.objects.filter(ticket=ticket, state__in=[SurveyState.SENT, SurveyState.ANSWERED])
              .order_by("-episode").first())
    if survey is None or clock.now() >= link_expires_at(survey):
        return None
    return survey


def survey_path(survey: Survey) -> str:
    return reverse("portal:survey", args=[tokens.make_token(survey.public_id)])


def follow_up_list(*, user) -> QuerySet[Survey]:
    """Bad answers (rating ≤ 2), newest first, on the tickets the supervisor may see."""
    if not (is_agent(user) and sees_all_tickets(user)):
        raise Forbidden()
    visible = Ticket.objects.filter(ticket_scope(user)).values("pk")
    return (Survey.objects.filter(rating__lte=FOLLOW_UP_RATING, ticket_id__in=visible)
            .select_related("ticket", "ticket__requester", "agent", "team").order_by("-answered_at", "-id"))


# --- NPS -----------------------------------------------------------------------------------------

PROMOTER_MIN, PASSIVE_MIN = 9, 7  # 9–10 promoters, 7–8 passives, 0–6 detractors


def nps_settings() -> NpsSettings:
    found, _created = NpsSettings.objects.get_or_create(pk=1)
    return found


def nps_cycle(now: datetime) -> int:
    """The period `now` falls in: NPS_INTERVAL_DAYS-long windows counted from the epoch."""
    return int(now.timestamp() // (settings.NPS_INTERVAL_DAYS * 86400))


def in_sample(customer_id: int, cycle: int, percent: int) -> bool:
    """Whether the contact is in this period's sample: a hash, not a draw, so every pass of the
    period picks the same contacts (a pass run hourly does not end up asking everyone)."""
    if percent >= 100:
        return True
    digest = hashlib.sha256(f"nps:{cycle}:{customer_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < percent


def nps_candidates(now: datetime | None = None) -> QuerySet[Customer]:
    """Contacts who may be asked now, before sampling: in the admin's audience, with a deliverable
    email address, not asked in NPS_INTERVAL_DAYS, and not sent a CSAT survey in NPS_CSAT_GAP_DAYS
    (nor with one waiting to go out: the question about a ticket comes first)."""
    now = now or clock.now()
    conf = nps_settings()
    found = Customer.objects.filter(merged_into__isnull=True)
    if conf.audience == NpsAudience.SEGMENT:
        found = found.filter(organization__segment=conf.segment)
    elif conf.audience == NpsAudience.PLAN:
        found = found.filter(organization__support_plan_id=conf.plan_id)
    email = Identity.objects.filter(
        customer=OuterRef("pk"), kind=IdentityKind.EMAIL, undeliverable=False)
    # (Bounded by `now` too: the demo's history is written with the clock set in the past.)
    asked = NpsSurvey.objects.filter(customer=OuterRef("pk"), sent_at__lte=now,
                                     sent_at__gt=now - timedelta(days=settings.NPS_INTERVAL_DAYS))
    csat = Survey.objects.filter(ticket__requester=OuterRef("pk")).filter(
        Q(sent_at__gt=now - timedelta(days=settings.NPS_CSAT_GAP_DAYS), sent_at__lte=now)
        | Q(state=SurveyState.SCHEDULED, created_at__lte=now))
    return found.filter(Exists(email)).exclude(Exists(asked)).exclude(Exists(csat))


def nps_link_expires_at(survey: NpsSurvey) -> datetime:
    return survey.sent_at + timedelta(days=settings.NPS_LINK_DAYS)


@dataclass(frozen=True)
class NpsLookup:
    survey: NpsSurvey | None
    problem: str  # "" when it can be answered; "invalid", "expired"


def nps_for_token(token: str) -> NpsLookup:
    """As `survey_for_token`: a tampered link and an unknown one look the same."""
    public_id = tokens.read_token(token, salt=tokens.NPS_SALT)
    survey = (NpsSurvey.objects.select_related("customer").filter(public_id=public_id).first()
              if public_id is not None else None)
    if survey is None:
        return NpsLookup(None, "invalid")
    if clock.now() >= nps_link_expires_at(survey):
        return NpsLookup(None, "expired")
    return NpsLookup(survey, "")


def nps_path(survey: NpsSurvey) -> str:
    return reverse("portal:nps", args=[tokens.make_token(survey.public_id, salt=tokens.NPS_SALT)])


@dataclass(frozen=True)
class NpsSummary:
    answers: int
    promoters: int
    passives: int
    detractors: int

    @property
    def score(self) -> float | None:
        """% promoters − % detractors, from −100 to 100 (None without answers)."""
        if not self.answers:
            return None
        return round(100.0 * (self.promoters - self.detractors) / self.answers, 1)


_COUNTS = {
    "answers": Count("pk"),
    "promoters": Count("pk", filter=Q(score__gte=PROMOTER_MIN)),
    "passives": Count("pk", filter=Q(score__gte=PASSIVE_MIN, score__lt=PROMOTER_MIN)),
    "detractors": Count("pk", filter=Q(score__lt=PASSIVE_MIN)),
}


def _answers(since: datetime, until: datetime, *, segment: str | None = None, plan: int | None = None,
             organization: int | None = None) -> QuerySet[NpsSurvey]:
    """Answers given in [since, until): each contact's latest answer to each survey (a second
    answer replaces the first), by the contact's organization's segment or plan when asked."""
    found = NpsSurvey.objects.filter(score__isnull=False, answered_at__gte=since, answered_at__lt=until)
    if segment:
        found = found.filter(customer__organization__segment=segment)
    if plan:
        found = found.filter(customer__organization__support_plan_id=plan)
    if organization:
        found = found.filter(customer__organization_id=organization)
    return found


def nps_summary(since: datetime, until: datetime, *, segment: str | None = None, plan: int | None = None,
                organization: int | None = None) -> NpsSummary:
    """Promoters, passives, detractors and the score of the answers given in [since, until)."""
    row = _answers(since, until, segment=segment, plan=plan, organization=organization).aggregate(**_COUNTS)
    return NpsSummary(**{name: row[name] or 0 for name in _COUNTS})


# The report groupings that say who the customer is; NPS asks a contact about the company, not
# about a ticket, so by team, agent, channel, product or outcome there is only the total.
_NPS_GROUPS = {"organization": "customer__organization_id", "segment": "customer__organization__segment",
               "plan": "customer__organization__support_plan_id"}


def nps_for_reports(*, since: datetime, until: datetime, group_by: str) -> dict[Any, float]:
    """The NPS score of the answers given in [since, until) for the reports: under '' for all of
    them, and under each group's key (the reports' own: organization or plan id, segment) when
    the grouping is one of `_NPS_GROUPS`. Groups without answers are left out."""
    found: dict[Any, float] = {}
    total = nps_summary(since, until).score
    if total is not None:
        found[""] = total
    column = _NPS_GROUPS.get(group_by)
    if column:
        for row in _answers(since, until).order_by().values(column).annotate(**_COUNTS):
            score = NpsSummary(**{name: row[name] for name in _COUNTS}).score
            if score is not None:
                found[row[column]] = score
    return found


_TRUNC = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}


def nps_series(since: datetime, until: datetime, *, period: str = "month", tz: tzinfo | None = None,
               segment: str | None = None, plan: int | None = None,
               organization: int | None = None) -> list[tuple[datetime, NpsSummary]]:
    """The summary per day, week or month (in `tz`, the viewer's zone; default the site's),
    oldest first; periods without answers are left out."""
    trunc = _TRUNC[period]("answered_at", tzinfo=tz)
    rows = (_answers(since, until, segment=segment, plan=plan, organization=organization)
            .annotate(start=trunc).values("start").annotate(**_COUNTS).order_by("start"))
    return [(row["start"], NpsSummary(**{name: row[name] for name in _COUNTS})) for row in rows]
