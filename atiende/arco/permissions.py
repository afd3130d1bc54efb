"""Who may see and handle personal-data requests (docs/decisions/0047-arco-requests.md)."""

from __future__ import annotations

from typing import Any

from atiende.accounts.models import Role
from atiende.accounts.permissions import is_admin, is_agent, is_customer


def can_manage_requests(user: Any) -> bool:
    """Admins and supervisors see every request, take ownership and move them along."""
    return is_agent(user) and user.role in (Role.ADMIN, Role.SUPERVISOR)


def can_record_request(user: Any) -> bool:
    """Supervisors and admins record a request that arrived by phone, letter or email; a customer asks
    for themselves from the portal."""
    return can_manage_requests(user) or is_customer(user)


def can_export_or_erase(user: Any) -> bool:
    """Exports and erasures are for administrators only."""
    return is_admin(user)
