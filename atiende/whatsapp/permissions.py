"""Who configures WhatsApp numbers: administrators only (`accounts.permissions.can_manage_channels`,
the rule every channel app shares)."""

from atiende.accounts.permissions import can_manage_channels

__all__ = ["can_manage_channels"]
