"""Who configures Telegram bots: administrators only (the WhatsApp rule, for the same reasons: a
bot's token writes as the company to every customer who wrote to it, its team decides who sees
the conversations)."""

from __future__ import annotations

from typing import Any

from atiende.accounts.permissions import is_admin


def can_manage_channels(user: Any) -> bool:
    return is_admin(user)
