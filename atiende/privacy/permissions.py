"""Who may edit the privacy notice and the retention rules: administrators only. Everyone may
read the published notice (it is public by law)."""

from __future__ import annotations

from typing import Any

from atiende.accounts.permissions import is_admin


def can_manage_privacy(user: Any) -> bool:
    return is_admin(user)
