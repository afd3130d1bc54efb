"""Who may do what with the second factor and sessions."""

from __future__ import annotations

from typing import Any

from atiende.accounts.models import Role
from atiende.accounts.permissions import is_admin, is_agent


def uses_staff_sign_in(user: Any) -> bool:
    """Agents of every role sign in through the staff sign-in (the portal keeps its own)."""
    return is_agent(user)


def can_manage_two_factor(user: Any) -> bool:
    """The per-role requirement and resetting someone's second factor: administrators."""
    return is_admin(user)


POLICY_FIELDS = {Role.ADMIN: "require_admin", Role.SUPERVISOR: "require_supervisor", Role.AGENT: "require_agent"}
