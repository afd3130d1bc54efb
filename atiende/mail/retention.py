"""Retention of stored email originals (registered with core.retention; the rules and the pass
are `privacy`'s, docs/decisions/0048).

Every message taken in keeps its original bytes (`InboundMessage.raw`) for "show original" and
re-parsing; a quarantined one is kept whole for the admin to retry. Past the limit the original
file is deleted from storage and the row forgets it (the row stays: its Message-ID still threads
replies and still stops a duplicate); a quarantined message past the limit is deleted outright.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from atiende.core.retention import RetentionKind, register

from .models import InboundMessage, QuarantinedMessage


def original_candidates(cutoff: datetime) -> QuerySet[InboundMessage]:
    return InboundMessage.objects.filter(received_at__lt=cutoff).exclude(raw="").order_by("pk")


def originals_purge(ids: Sequence[int], cutoff: datetime) -> list[str]:
    doomed = original_candidates(cutoff).filter(pk__in=list(ids))
    names = [name for name in doomed.values_list("raw", flat=True) if name]
    doomed.update(raw="")
    return names


def quarantine_candidates(cutoff: datetime) -> QuerySet[QuarantinedMessage]:
    return QuarantinedMessage.objects.filter(created_at__lt=cutoff).order_by("pk")


def quarantine_purge(ids: Sequence[int], cutoff: datetime) -> list[str]:
    doomed = quarantine_candidates(cutoff).filter(pk__in=list(ids))
    names = [name for name in doomed.values_list("raw", flat=True) if name]
    doomed.delete()
    return names


def register_retention() -> None:
    register(RetentionKind(
        key="email_originals", label=_("Original files of received emails"), order=30, default_unit="days",
        help=_("The original message file is deleted; the message as shown on its ticket stays."),
        candidates=original_candidates, purge=originals_purge,
        describe=lambda m: f"{m.received_at:%Y-%m-%d %H:%M} · id {m.pk}"))
    register(RetentionKind(
        key="email_quarantine", label=_("Quarantined emails"), order=31, default_unit="days",
        help=_("Emails that could not be taken in are deleted with their original file."),
        candidates=quarantine_candidates, purge=quarantine_purge,
        describe=lambda q: f"{q.created_at:%Y-%m-%d %H:%M} · {q.code} · {q.size} B"))
