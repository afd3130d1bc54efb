"""Who does what in self-service: supervisors and administrators author troubleshooters and read
the deflection report; customers walk troubleshooters and say what solved their problem."""

from __future__ import annotations

from typing import Any

from atiende.accounts.permissions import sees_all_tickets


def can_author_troubleshooters(user: Any) -> bool:
    return sees_all_tickets(user)


def can_view_report(user: Any) -> bool:
    return sees_all_tickets(user)
