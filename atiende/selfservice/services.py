"""Writes of self-service: a deflected request, and a search that found nothing."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from atiende.core.exceptions import Invalid, NotFound
from atiende.core.params import is_id_text
from atiende.customers.models import Customer
from atiende.customers.permissions import customer_of
from atiende.kb.models import Article
from atiende.kb.permissions import can_view_article
from atiende.search.services import missed_query_log

from .models import Answer, Deflection, DeflectionSource, Outcome, Step, Troubleshooter
from .permissions import can_author_troubleshooters
from .selectors import clean_question, language_code

MISSED_KIND = "portal-request"


def deflection_record(*, actor: Any, source: str, question: str = "", language: str = "es",
                      article: Article | None = None, troubleshooter: Troubleshooter | None = None,
                      customer: Customer | None = None) -> Deflection:
    """The customer said self-service solved their problem: count one request never written.
    The article must be one the customer may read (else NotFound, nothing recorded). `customer`:
    who said so when they have no login (the bot's WhatsApp or Telegram customer; `actor` is then
    None, an anonymous reader's eyes)."""
    if source not in DeflectionSource.values:
        raise Invalid(fields={"source": _("Unknown source.")})
    if article is not None and not can_view_article(actor, article):
        raise NotFound()
    return Deflection.objects.create(
        source=source, question=clean_question(question), language=language_code(language), article=article,
        troubleshooter=troubleshooter, customer=customer or customer_of(actor),
    )


def suggestion_missed(*, text: str) -> None:
    """Nothing in the knowledge base answered what a customer was about to ask: the admin's
    report lists it as something to write about."""
    missed_query_log(kind=MISSED_KIND, text=clean_question(text))


# --- authoring troubleshooters (supervisors and administrators) --------------------------------

def _require_author(actor: Any) -> None:
    if not can_author_troubleshooters(actor):
        raise NotFound()


def _text(value: Any, field: str, limit: int) -> str:
    text = " ".join(str(value or "").replace("\x00", " ").split())
    if not text:
        raise Invalid(fields={field: _("This field is required.")})
    if len(text) > limit:
        raise Invalid(fields={field: _("At most %(limit)s characters.") % {"limit": limit}})
    return text


def troubleshooter_create(*, actor: Any, title: str, language: str = "es") -> Troubleshooter:
    _require_author(actor)
    return Troubleshooter.objects.create(title=_text(title, "title", 200), language=language_code(language))


def troubleshooter_update(*, actor: Any, troubleshooter: Troubleshooter, title: str, language: str,
                          published: bool) -> Troubleshooter:
    _require_author(actor)
    if published and not troubleshooter.steps.exists():
        raise Invalid(fields={"published": _("Add a first step before publishing.")})
    troubleshooter.title = _text(title, "title", 200)
    troubleshooter.language = language_code(language)
    troubleshooter.published = published
    troubleshooter.save(update_fields=["title", "language", "published"])
    return troubleshooter


def _article_for(actor: Any, raw: Any) -> Article | None:
    if raw in (None, ""):
        return None
    article = Article.objects.filter(pk=raw).first() if is_id_text(str(raw)) else None
    if article is None or not can_view_article(actor, article):
        raise Invalid(fields={"article": _("Choose an article of the knowledge base.")})
    return article


def step_add(*, actor: Any, troubleshooter: Troubleshooter, question: str, article: Any = None) -> Step:
    _require_author(actor)
    last = troubleshooter.steps.order_by("-position").values_list("position", flat=True).first()
    return Step.objects.create(troubleshooter=troubleshooter, question=_text(question, "question", 300),
                               article=_article_for(actor, article), position=(last or 0) + 1)


def _step_of(troubleshooter: Troubleshooter, raw: Any, field: str) -> Step:
    step = troubleshooter.steps.filter(pk=raw).first() if is_id_text(str(raw or "")) else None
    if step is None:
        raise Invalid(fields={field: _("Choose a step of this guide.")})
    return step


def step_remove(*, actor: Any, troubleshooter: Troubleshooter, step: Any) -> None:
    _require_author(actor)
    _step_of(troubleshooter, step, "step").delete()


def answer_add(*, actor: Any, troubleshooter: Troubleshooter, step: Any, label: str, outcome: str,
               next_step: Any = None) -> Answer:
    _require_author(actor)
    if outcome not in Outcome.values:
        raise Invalid(fields={"outcome": _("Choose what happens after this answer.")})
    at = _step_of(troubleshooter, step, "step")
    following = _step_of(troubleshooter, next_step, "next_step") if outcome == Outcome.NEXT else None
    position = at.answers.count() + 1
    return Answer.objects.create(step=at, label=_text(label, "label", 200), outcome=outcome, next_step=following,
                                 position=position)


def answer_remove(*, actor: Any, troubleshooter: Troubleshooter, answer: Any) -> None:
    _require_author(actor)
    found = Answer.objects.filter(pk=answer, step__troubleshooter=troubleshooter).first() if is_id_text(str(answer or "")) else None
    if found is None:
        raise Invalid(fields={"answer": _("Choose an answer of this guide.")})
    found.delete()
