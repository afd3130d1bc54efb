"""Retention of closed tickets' attachments and message texts (registered with core.retention;
the rules and the pass are `privacy`'s, docs/decisions/0048).

A closed ticket keeps its number, subject, status, dates, team, assignee and every metric
event: reports do not change. What goes: its files (rows deleted, files deleted from storage
after commit) and, by its own rule, the text of its messages (replaced by a placeholder; the
message rows, authors and times stay, so reply counts and durations stand).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from atiende.core.retention import RetentionKind, register

from .. import hooks
from ..models import Attachment, Message
from ..status import TicketStatus

# Stored in place of a removed message text: language-neutral, shown as is.
REDACTED = "[…]"


def _closed_before(cutoff: datetime, prefix: str) -> Q:
    return Q(**{f"{prefix}status": TicketStatus.CLOSED, f"{prefix}closed_at__lt": cutoff})


def attachment_candidates(cutoff: datetime) -> QuerySet[Attachment]:
    return Attachment.objects.filter(_closed_before(cutoff, "message__ticket__")).order_by("pk")


def attachments_purge(ids: Sequence[int], cutoff: datetime) -> list[str]:
    """Delete these attachments (still of tickets closed before `cutoff`); returns their files."""
    doomed = attachment_candidates(cutoff).filter(pk__in=list(ids))
    names = [name for name in doomed.values_list("file", flat=True) if name]
    doomed.delete()
    return names


def body_candidates(cutoff: datetime) -> QuerySet[Message]:
    return (Message.objects.filter(_closed_before(cutoff, "ticket__"))
            .exclude(body_text=REDACTED, body_html="").order_by("pk"))


def bodies_redact(ids: Sequence[int], cutoff: datetime) -> list[str]:
    """Replace these messages' texts (still of tickets closed before `cutoff`) by the placeholder,
    and tell the hooks (the search index forgets the words)."""
    doomed = body_candidates(cutoff).filter(pk__in=list(ids))
    ticket_ids = sorted(set(doomed.values_list("ticket_id", flat=True)))
    doomed.update(body_text=REDACTED, body_html="")
    if ticket_ids:
        hooks.messages_redacted(ticket_ids)
    return []


def register_retention() -> None:
    register(RetentionKind(
        key="ticket_attachments", label=_("Attachments of closed tickets"), order=10, default_unit="years",
        help=_("Files of tickets closed longer ago than the limit are deleted, from storage too."),
        candidates=attachment_candidates, purge=attachments_purge,
        describe=lambda a: f"#{a.message.ticket.number} · {a.size} B · {a.created_at:%Y-%m-%d}"))
    register(RetentionKind(
        key="ticket_messages", label=_("Message texts of closed tickets"), order=20, default_unit="years",
        help=_("The text of each message is replaced by “[…]”; tickets, dates and statistics stay."),
        candidates=body_candidates, purge=bodies_redact,
        describe=lambda m: f"#{m.ticket.number} · {m.get_kind_display()} · {m.created_at:%Y-%m-%d}"))
