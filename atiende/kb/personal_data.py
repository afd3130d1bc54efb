"""Votes and comments the person left on articles (atiende/core/personal_data.py)."""

from __future__ import annotations

from atiende.core.personal_data import Export, Subject, register

from .models import Vote


def _export(subject: Subject, out: Export) -> None:
    out.add_rows("article_votes", Vote.objects.filter(user_id__in=subject.user_ids), ["article__title", "helpful", "comment",
                                                                                  "created_at"])


def _erase(subject: Subject) -> None:
    Vote.objects.filter(user_id__in=subject.user_ids).update(comment="", user=None)  # the count stays


STAFF = "Written or uploaded by staff for publication."
register(
    "kb",
    covers=["kb.Vote"],
    exempt={"kb.Category": STAFF, "kb.Article": STAFF, "kb.ArticleSlug": STAFF, "kb.Revision": STAFF,
            "kb.ArticleAttachment": STAFF},
    export=_export, erase=_erase,
)
