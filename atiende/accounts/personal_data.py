"""The person's portal user in access exports and erasures (atiende/core/personal_data.py)."""

from __future__ import annotations

from atiende.core.personal_data import ERASED, Export, Subject, register

from .models import ApiToken, User


def _export(subject: Subject, out: Export) -> None:
    users = User.objects.filter(pk__in=subject.user_ids)
    out.add_rows("portal_user", users, ["email", "name", "language", "time_zone", "date_joined", "last_login"])
    out.add_rows("api_tokens", ApiToken.objects.filter(user_id__in=subject.user_ids), ["name", "created_at", "last_used_at"])


def _erase(subject: Subject) -> None:
    ApiToken.objects.filter(user_id__in=subject.user_ids).delete()
    for user in User.objects.filter(pk__in=subject.user_ids):
        user.email = f"erased-{user.pk}@invalid.invalid"
        user.name = ERASED
        user.is_active = False
        user.set_unusable_password()
        user.save(update_fields=["email", "name", "is_active", "password"])


register(
    "accounts",
    covers=["accounts.User", "accounts.ApiToken"],
    exempt={"accounts.Team": "Teams of agents; their signature is the company's."},
    export=_export, erase=_erase,
)
