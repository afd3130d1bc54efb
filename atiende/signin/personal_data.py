"""Sign-in records of the person's portal user (atiende/core/personal_data.py)."""

from __future__ import annotations

from atiende.core.personal_data import Export, Subject, register

from .models import RecoveryCode, SignedInSession, TotpDevice


def _export(subject: Subject, out: Export) -> None:
    out.add_rows("sessions", SignedInSession.objects.filter(user_id__in=subject.user_ids),
                 ["user_agent", "ip", "created_at", "last_seen_at"])
    out.add_rows("two_factor_devices", TotpDevice.objects.filter(user_id__in=subject.user_ids), ["name", "created_at"])


def _erase(subject: Subject) -> None:
    for model in (SignedInSession, TotpDevice, RecoveryCode):
        model.objects.filter(user_id__in=subject.user_ids).delete()


register(
    "signin",
    covers=["signin.TotpDevice", "signin.RecoveryCode", "signin.SignedInSession"],
    exempt={"signin.TwoFactorPolicy": "Which roles must use two-factor authentication."},
    export=_export, erase=_erase,
)
