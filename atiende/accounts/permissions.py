"""Who an account is, in terms the other apps' policies use."""

from __future__ import annotations

from typing import Any

from .models import Role, UserKind

STAFF_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.AGENT})
SEES_ALL_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR})


def is_agent(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.kind == UserKind.AGENT)


def is_system(user: Any) -> bool:
    """The product acting on its own (accounts.services.system_actor): SLA, mail, automation."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.kind == UserKind.SYSTEM)


def is_staff_agent(user: Any) -> bool:
    """An agent who works tickets (admin, supervisor, agent) — not a collaborator — or the
    system acting through the same services."""
    return (is_agent(user) and user.role in STAFF_ROLES) or is_system(user)


def sees_all_tickets(user: Any) -> bool:
    return (is_agent(user) and user.role in SEES_ALL_ROLES) or is_system(user)


def is_admin(user: Any) -> bool:
    return is_agent(user) and user.role == Role.ADMIN


def is_customer(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.kind == UserKind.CUSTOMER)


def can_manage_agents(user: Any) -> bool:
    return is_admin(user)


def can_view_directory(user: Any) -> bool:
    """Agents list and teams list: people who work tickets."""
    return is_staff_agent(user)


def can_manage_channels(user: Any) -> bool:
    """Connecting a customer channel (a WhatsApp number, a Telegram bot): its secrets write as the
    company to every customer, and its team decides who sees the conversations; supervisors run
    teams, not the company's channels."""
    return is_admin(user)
