"""The customer's satisfaction answer as ticket facts (tickets/facts.py) that triggers may name:

- "satisfaction": the rating of the ticket's latest answered survey, "1" to "5" ("" unanswered);
- "satisfaction_comment": "yes" when that answer has a comment, "no" without one ("" unanswered).

An answer (or a changed one) is announced through `ticket_facts_changed`, so automation runs its
`satisfaction.answered` triggers (decision 0044): "rating less than 3 → tag and assign"."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from atiende.tickets.facts import TicketFacts
from atiende.tickets.models import Ticket

from .models import Survey

RATING, COMMENT = "satisfaction", "satisfaction_comment"


def answer_facts(rating: int | None, comment: str) -> dict[str, str]:
    if rating is None:
        return {RATING: "", COMMENT: ""}
    return {RATING: str(rating), COMMENT: "yes" if comment.strip() else "no"}


class SatisfactionFacts(TicketFacts):
    labels = {RATING: gettext_lazy("Satisfaction rating"), COMMENT: gettext_lazy("Satisfaction comment")}
    choices = {
        RATING: [("1", gettext_lazy("1 · Very dissatisfied")), ("2", gettext_lazy("2 · Dissatisfied")),
                 ("3", gettext_lazy("3 · Neutral")), ("4", gettext_lazy("4 · Satisfied")),
                 ("5", gettext_lazy("5 · Very satisfied"))],
        COMMENT: [("yes", gettext_lazy("With a comment")), ("no", gettext_lazy("Without a comment"))],
    }

    def facts(self, ticket: Ticket) -> dict[str, Any]:
        latest = (Survey.objects.filter(ticket_id=ticket.pk, rating__isnull=False).order_by("-episode")
                  .values_list("rating", "comment").first())
        return answer_facts(*latest) if latest else answer_facts(None, "")
