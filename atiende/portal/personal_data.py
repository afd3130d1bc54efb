"""Sign-ups waiting for the email confirmation (atiende/core/personal_data.py)."""

from __future__ import annotations

from atiende.core.personal_data import Subject, register

from .models import PendingSignup


def _erase(subject: Subject) -> None:
    PendingSignup.objects.filter(email__in=subject.emails).delete()


register("portal", covers=["portal.PendingSignup"], erase=_erase)
