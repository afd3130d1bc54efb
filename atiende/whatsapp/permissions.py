"""Who configures WhatsApp numbers: administrators only. A number's secrets let whoever holds
them write as the company to every customer, and its team decides who sees the conversations;
supervisors run teams, not the company's channels."""

from __future__ import annotations

from typing import Any

from atiende.accounts.permissions import is_admin


def can_manage_channels(user: Any) -> bool:
    return is_admin(user)
