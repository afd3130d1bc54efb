"""The search index (atiende/core/personal_data.py): the person's tickets are indexed again from
their anonymised rows (search runs after the apps that own them), and missed searches naming
the person are dropped."""

from __future__ import annotations

from atiende.core.personal_data import Subject, containing, register

from .models import Document, MissedQuery
from .text import words
from .tickets import tickets_reindex


def _erase(subject: Subject) -> None:
    tickets_reindex(subject.ticket_ids)
    for text in subject.strings:
        containing(Document.objects.all(), "title", [text]).delete()
        containing(Document.objects.all(), "body", [text]).delete()
    folded = [" ".join(words(text)) for text in subject.strings]
    containing(MissedQuery.objects.all(), "text", [text for text in folded if text]).delete()


register(
    "search",
    covers=["search.Document", "search.MissedQuery"],
    exempt={"search.Synonym": "The company's synonyms.",
            "search.Word": "Vocabulary of published articles."},
    erase=_erase,
)
