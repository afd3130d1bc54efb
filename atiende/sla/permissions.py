"""Who may see and change service-level configuration."""

from typing import Any

from atiende.accounts.permissions import is_staff_agent, sees_all_tickets


def can_view_calendars(user: Any) -> bool:
    return is_staff_agent(user)


def can_edit_calendars(user: Any) -> bool:
    return sees_all_tickets(user)  # admins and supervisors


def can_view_policies(user: Any) -> bool:
    return is_staff_agent(user)


def can_edit_policies(user: Any) -> bool:
    return sees_all_tickets(user)


def can_view_attainment(user: Any) -> bool:
    return sees_all_tickets(user)  # supervisors judge teams and agents; agents see their own tickets
