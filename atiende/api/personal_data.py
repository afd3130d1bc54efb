"""Stored answers of idempotent API requests can quote the person (atiende/core/personal_data.py)."""

from __future__ import annotations

from atiende.core.personal_data import Subject, containing, register

from .models import IdempotencyRecord


def _erase(subject: Subject) -> None:
    IdempotencyRecord.objects.filter(user_id__in=subject.user_ids).delete()
    containing(IdempotencyRecord.objects.all(), "body", subject.strings).delete()


register("api", covers=["api.IdempotencyRecord"], erase=_erase)
