"""Retention of anonymous visitors' chat transcripts (registered with core.retention; the rules
and the pass are `privacy`'s, docs/decisions/0048).

A chat whose visitor the site did not identify (no proved email) is anonymous: nobody can ask
for it by name later, so it is the first thing worth forgetting. Past the limit after it ended,
the session forgets what the visitor typed or where they were (name, email, page) and the lines
of its ticket are replaced by the placeholder tickets uses; the session, its ticket, times and
statistics stay. Chats of identified customers follow the ticket rules instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from atiende.core.retention import RetentionKind, register
from atiende.tickets import hooks
from atiende.tickets.models import Message
from atiende.tickets.services.retention import REDACTED

from .models import ChatSession, SessionState


def _lines(session_ticket: OuterRef) -> QuerySet[Message]:
    return Message.objects.filter(ticket_id=session_ticket).exclude(body_text=REDACTED, body_html="")


def transcript_candidates(cutoff: datetime) -> QuerySet[ChatSession]:
    kept = ~Q(name="") | ~Q(email="") | ~Q(page_url="") | ~Q(page_title="") | Exists(_lines(OuterRef("ticket_id")))
    return (ChatSession.objects.filter(state=SessionState.ENDED, email_verified=False, ended_at__lt=cutoff)
            .filter(kept).order_by("pk"))


def transcripts_purge(ids: Sequence[int], cutoff: datetime) -> list[str]:
    doomed = transcript_candidates(cutoff).filter(pk__in=list(ids))
    ticket_ids = sorted({pk for pk in doomed.values_list("ticket_id", flat=True) if pk})
    doomed.update(name="", email="", page_url="", page_title="")
    Message.objects.filter(ticket_id__in=ticket_ids).exclude(body_text=REDACTED, body_html="") \
        .update(body_text=REDACTED, body_html="")
    if ticket_ids:
        hooks.messages_redacted(ticket_ids)
    return []


def register_retention() -> None:
    register(RetentionKind(
        key="chat_anonymous", label=_("Chats with anonymous visitors"), order=40, default_unit="days",
        help=_("After the chat ended: the visitor's name, email and page are forgotten and the "
               "conversation's text is replaced by “[…]”."),
        candidates=transcript_candidates, purge=transcripts_purge,
        describe=lambda s: f"{s.public_id[:8]}… · {s.ended_at:%Y-%m-%d}"))
