"""Who may see reports and staffing."""

from typing import Any

from atiende.accounts.permissions import is_system, sees_all_tickets


def can_view_staffing(user: Any) -> bool:
    """Supervisors and admins: staffing plans are about teams, not one agent's tickets."""
    return sees_all_tickets(user)


def can_view_reports(user: Any) -> bool:
    """Supervisors and admins: the reports compare teams and agents."""
    return sees_all_tickets(user) and not is_system(user)
