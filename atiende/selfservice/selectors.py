"""Reads of self-service: suggestions for what a customer is writing, articles for an agent's
reply, the deflection report. Every article comes from `kb.selectors.articles_matching`, the
one search function (the search engine swaps its body), so visibility is the knowledge base's."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse

from atiende.accounts.permissions import sees_all_tickets
from atiende.core import clock
from atiende.core.exceptions import NotFound
from atiende.kb.markdown import plain_text, render_markdown
from atiende.kb.models import Article, Vote
from atiende.kb.selectors import articles_matching
from atiende.search.models import MissedQuery
from atiende.tickets.models import Channel, Message, Ticket

from .models import Deflection, DeflectionSource

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


def articles_for_ticket(*, ticket: Ticket, limit: int = SUGGESTIONS) -> list[ArticleForReply]:
    """Articles to offer in a reply, in the customer's language. Call with a ticket the agent
    may see (tickets.selectors.ticket_get_for_agent)."""
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
    if not sees_all_tickets(viewer):
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
