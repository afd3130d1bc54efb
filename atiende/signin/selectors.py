"""Reads for the second factor and sessions."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings

from atiende.accounts.models import User, UserKind

from .models import RecoveryCode, SignedInSession, TotpDevice, TwoFactorPolicy
from .permissions import POLICY_FIELDS, can_manage_two_factor, uses_staff_sign_in


def policy_get() -> TwoFactorPolicy:
    """The policy row; the defaults (nothing required) until an admin saves it."""
    return TwoFactorPolicy.objects.filter(pk=1).first() or TwoFactorPolicy(pk=1)


def role_requires_second_factor(user: User) -> bool:
    field = POLICY_FIELDS.get(user.role)
    return bool(uses_staff_sign_in(user) and field and getattr(policy_get(), field))


def confirmed_device(user: User) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user, confirmed=True).first()


def has_second_factor(user: User) -> bool:
    return TotpDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def session_store(session_key: str):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def session_list(*, user: User) -> list[SignedInSession]:
    """The user's signed-in sessions, most recently seen first; ones that ended (signed out,
    expired) are left out."""
    rows = SignedInSession.objects.filter(user=user).order_by("-last_seen_at", "-pk")[:100]
    return [row for row in rows if session_store(row.session_key).exists(row.session_key)]


def two_factor_overview(*, actor: User) -> list[tuple[User, bool]]:
    """Every active agent and whether they use a second factor: administrators only."""
    if not can_manage_two_factor(actor):
        return []
    enrolled = set(TotpDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    agents = User.objects.filter(kind=UserKind.AGENT, is_active=True).order_by("name", "id")
    return [(agent, agent.pk in enrolled) for agent in agents]
