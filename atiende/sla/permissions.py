"""Who may see and change service-level configuration."""

from typing import Any

from atiende.accounts.permissions import is_staff_agent, sees_all_tickets


def can_view_calendars(user: Any) -> bool:
    return is_staff_agent(user)


def can_edit_calendars(user: Any) -> bool:
    return sees_all_tickets(user)  # admins and supervisors
