"""Who works with calls: staff agents log them and see who is calling (a caller's name and open
tickets are agents' business, never a customer's); administrators connect telephony systems."""

from __future__ import annotations

from typing import Any

from atiende.accounts.permissions import is_admin, is_staff_agent


def can_log_calls(user: Any) -> bool:
    return is_staff_agent(user)


def can_see_callers(user: Any) -> bool:
    return is_staff_agent(user)


def can_manage_telephony(user: Any) -> bool:
    return is_admin(user)
