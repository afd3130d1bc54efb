"""Writes of self-service: a deflected request, and a search that found nothing."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from atiende.core.exceptions import Invalid, NotFound
from atiende.customers.permissions import customer_of
from atiende.kb.models import Article
from atiende.kb.permissions import can_view_article
from atiende.search.services import missed_query_log

from .models import Deflection, DeflectionSource, Troubleshooter
from .selectors import clean_question, language_code

MISSED_KIND = "portal-request"


def deflection_record(*, actor: Any, source: str, question: str = "", language: str = "es",
                      article: Article | None = None, troubleshooter: Troubleshooter | None = None) -> Deflection:
    """The customer said self-service solved their problem: count one request never written.
    The article must be one the customer may read (else NotFound, nothing recorded)."""
    if source not in DeflectionSource.values:
        raise Invalid(fields={"source": _("Unknown source.")})
    if article is not None and not can_view_article(actor, article):
        raise NotFound()
    return Deflection.objects.create(
        source=source, question=clean_question(question), language=language_code(language), article=article,
        troubleshooter=troubleshooter, customer=customer_of(actor),
    )


def suggestion_missed(*, text: str) -> None:
    """Nothing in the knowledge base answered what a customer was about to ask: the admin's
    report lists it as something to write about."""
    missed_query_log(kind=MISSED_KIND, text=clean_question(text))
