"""Who configures outbound webhooks: administrators only. A subscription sends every ticket,
message and customer name it is subscribed to out of the building, signed as the company."""

from typing import Any

from atiende.accounts.permissions import is_admin


def can_manage_webhooks(user: Any) -> bool:
    return is_admin(user)
