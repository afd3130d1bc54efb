"""Reads of self-service: suggestions for what a customer is writing, articles for an agent's
reply, the deflection report. Every article comes from `kb.selectors.articles_matching`, the
one search function (the search engine swaps its body), so visibility is the knowledge base's."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from atiende.accounts.permissions import is_staff_agent
from atiende.core import clock
from atiende.core.db import is_id
from atiende.core.exceptions import Invalid, NotFound
from atiende.core.params import is_id_text
from atiende.kb.markdown import plain_text, render_markdown
from atiende.kb.models import Article, Vote
from atiende.kb.selectors import articles_matching, articles_visible
from atiende.search.models import MissedQuery
from atiende.tickets.models import Channel, Message, Ticket

from .models import Answer, Deflection, DeflectionSource, Outcome, Step, Troubleshooter
from .permissions import can_author_troubleshooters, can_view_report

SUGGESTIONS = 5
QUESTION_CHARS = 300
REPORT_DAYS = 30


def clean_question(text: str) -> str:
    """What a customer typed, on one line, without NUL bytes, at most QUESTION_CHARS."""
    return " ".join((text or "").replace("\x00", " ").split())[:QUESTION_CHARS]


def language_code(language: str) -> str:
    """The knowledge base's language for a locale ("en-us" → "en"); Spanish otherwise."""
    return "en" if (language or "").lower().startswith("en") else "es"


@dataclass(frozen=True)
class Suggestion:
    article: Article
    snippet: str
    body_html: str


def suggestions_for_request(*, viewer: Any, subject: str, description: str = "", language: str,
                            limit: int = SUGGESTIONS) -> list[Suggestion]:
    """Articles that may answer the request being written, best first (subject and description)."""
    text = clean_question(f"{subject} {description}")
    if not text:
        return []
    found = articles_matching(text, viewer=viewer, language=language_code(language), limit=limit)
    if not found and description:
        # A long description rarely matches as a whole: the subject alone is the customer's summary.
        found = articles_matching(clean_question(subject), viewer=viewer, language=language_code(language), limit=limit)
    return [Suggestion(a, plain_text(a.body, limit=160), render_markdown(a.body)) for a in found]


@dataclass(frozen=True)
class ArticleForReply:
    article: Article
    path: str  # the help center's path; the view makes it absolute
    text: str  # the article as plain text, to paste into a reply


def customer_viewer(ticket: Ticket) -> Any:
    """Whose eyes decide which articles an agent may offer: the requester's login if any, else
    an anonymous visitor's (public articles only). Never the agent's: internal articles must not
    be sent to a customer."""
    return ticket.requester.user if ticket.requester.user_id else None


def conversation_text(ticket: Ticket) -> str:
    """The subject and the customer's latest public message: what the conversation is about."""
    last = (Message.objects.filter(ticket=ticket, kind="public", author_kind="customer")
            .order_by("-created_at", "-id").values_list("body_text", flat=True).first())
    return clean_question(f"{ticket.subject} {last or ''}")


def articles_for_ticket(*, viewer: Any, ticket: Ticket, limit: int = SUGGESTIONS) -> list[ArticleForReply]:
    """Articles to offer in a reply, in the customer's language. Call with a ticket the agent
    may see (tickets.selectors.ticket_get_for_agent). Staff agents only: a collaborator sees the
    ticket but not the customer's articles."""
    if not is_staff_agent(viewer):
        raise NotFound()
    language = language_code(ticket.requester.language)
    viewer = customer_viewer(ticket)
    found = articles_matching(conversation_text(ticket), viewer=viewer, language=language, limit=limit)
    if not found:
        found = articles_matching(clean_question(ticket.subject), viewer=viewer, language=language, limit=limit)
    return [ArticleForReply(a, reverse("help:article", args=[a.slug]), plain_text(a.body)) for a in found]


@dataclass(frozen=True)
class ArticleVotes:
    article_id: int
    title: str
    helpful: int
    unhelpful: int


@dataclass
class DeflectionReport:
    days: int
    deflected: int
    requests: int  # requests customers did write (portal tickets) in the same period
    by_source: dict[str, int] = field(default_factory=dict)
    missed: list[MissedQuery] = field(default_factory=list)
    votes: list[ArticleVotes] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        """Share of would-be requests that self-service answered, or None with no data."""
        total = self.deflected + self.requests
        return self.deflected / total if total else None


def deflection_report(*, viewer: Any, days: int = REPORT_DAYS) -> DeflectionReport:
    if not can_view_report(viewer):
        raise NotFound()
    since = clock.now() - timedelta(days=days)
    deflections = Deflection.objects.filter(created_at__gte=since)
    by_source = dict(deflections.values_list("source").annotate(n=Count("id")).values_list("source", "n"))
    requests = Ticket.objects.filter(channel=Channel.PORTAL, created_at__gte=since).count()
    votes = (Vote.objects.filter(created_at__gte=since).values("article_id", "article__title")
             .annotate(yes=Count("id", filter=Q(helpful=True)), no=Count("id", filter=Q(helpful=False)))
             .order_by("-no", "-yes", "article__title")[:20])
    return DeflectionReport(
        days=days, deflected=sum(by_source.values()), requests=requests,
        by_source={str(label): by_source.get(value, 0) for value, label in DeflectionSource.choices},
        missed=list(MissedQuery.objects.filter(last_at__gte=since)[:20]),
        votes=[ArticleVotes(v["article_id"], v["article__title"], v["yes"], v["no"]) for v in votes],
    )


# --- guided troubleshooting ------------------------------------------------------------------

MAX_PATH = 50


def troubleshooters_published(*, language: str) -> list[Troubleshooter]:
    return list(Troubleshooter.objects.filter(published=True, language=language_code(language)))


def troubleshooter_list(*, viewer: Any) -> list[Troubleshooter]:
    if not can_author_troubleshooters(viewer):
        raise NotFound()
    return list(Troubleshooter.objects.annotate(step_count=Count("steps")).order_by("title", "id"))


def troubleshooter_get_for_edit(*, viewer: Any, troubleshooter_id: Any) -> Troubleshooter:
    if not can_author_troubleshooters(viewer) or not is_id(troubleshooter_id):
        raise NotFound()
    found = Troubleshooter.objects.prefetch_related(
        Prefetch("steps", queryset=Step.objects.select_related("article").prefetch_related(
            Prefetch("answers", queryset=Answer.objects.select_related("next_step"))))).filter(pk=troubleshooter_id).first()
    if found is None:
        raise NotFound()
    return found


@dataclass
class Walk:
    """Where a customer is in a troubleshooter: the answers they gave, the step they are on (None
    once an answer ended the walk), and how it ended (an Outcome, or "" while walking)."""

    troubleshooter: Troubleshooter
    taken: list[tuple[Step, Answer]]
    step: Step | None
    article: Article | None  # the current step's article, when the customer may read it
    outcome: str = ""

    @property
    def path(self) -> str:
        return ",".join(str(answer.pk) for _, answer in self.taken)


def parse_path(text: str) -> list[int]:
    """"12,15,9" → [12, 15, 9]; anything else in it is Invalid (a clear 400)."""
    parts = [p for p in (text or "").split(",") if p.strip()]
    if len(parts) > MAX_PATH or not all(is_id_text(p.strip()) for p in parts):
        raise Invalid(fields={"path": _("This path through the guide is not valid.")})
    return [int(p) for p in parts]


def troubleshooter_walk(*, viewer: Any, troubleshooter_id: Any, path: str) -> Walk:
    """Replay the customer's answers from the first step; an answer that does not belong to the
    step it is given at makes the path Invalid. Unpublished troubleshooters are NotFound."""
    if not is_id(troubleshooter_id):
        raise NotFound()
    troubleshooter = Troubleshooter.objects.filter(pk=troubleshooter_id, published=True).first()
    if troubleshooter is None:
        raise NotFound()
    steps = {s.pk: s for s in Step.objects.filter(troubleshooter=troubleshooter)}
    answers = {a.pk: a for a in Answer.objects.filter(step__troubleshooter=troubleshooter)}
    step = min(steps.values(), key=lambda s: (s.position, s.pk), default=None)
    taken: list[tuple[Step, Answer]] = []
    outcome = ""
    for answer_id in parse_path(path):
        answer = answers.get(answer_id)
        if step is None or answer is None or answer.step_id != step.pk:
            raise Invalid(fields={"path": _("This path through the guide is not valid.")})
        taken.append((step, answer))
        step = steps.get(answer.next_step_id) if answer.outcome == Outcome.NEXT else None
        if step is None:
            outcome = answer.outcome if answer.outcome != Outcome.NEXT else Outcome.CONTACT
    if step is not None:
        step.choices = sorted((a for a in answers.values() if a.step_id == step.pk),  # type: ignore[attr-defined]
                              key=lambda a: (a.position, a.pk))
    article = None
    if step is not None and step.article_id is not None:
        article = articles_visible(viewer=viewer).filter(pk=step.article_id, status="published").first()
    return Walk(troubleshooter, taken, step, article, outcome)


def walk_transcript(walk: Walk) -> str:
    """The path the customer took, as text for the request's first message (nobody asks again)."""
    lines = [_("Steps already taken in the guide “%(title)s”:") % {"title": walk.troubleshooter.title}]
    lines += [f"- {step.question} → {answer.label}" for step, answer in walk.taken]
    return "\n".join(lines)
