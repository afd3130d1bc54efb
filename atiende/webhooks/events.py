"""The events a subscription may ask for, and the payload version (pure: no database).

Version 1 of the payload: `{"id", "event", "version", "created_at", "data": {...}}`. Fields may be
added to `data` within a version; a field is removed, renamed or changes meaning only in a new
version (docs/api.md, "Outbound webhooks")."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

PAYLOAD_VERSION = 1

TICKET_CREATED = "ticket.created"
TICKET_UPDATED = "ticket.updated"
MESSAGE_CREATED = "message.created"
TICKET_SOLVED = "ticket.solved"
SLA_WARNING = "sla.warning"
SLA_BREACHED = "sla.breached"

EVENTS = {
    TICKET_CREATED: _("A ticket was created"),
    TICKET_UPDATED: _("A ticket's fields changed"),
    MESSAGE_CREATED: _("A message was added to a ticket"),
    TICKET_SOLVED: _("A ticket was solved"),
    SLA_WARNING: _("An SLA target is about to be missed"),
    SLA_BREACHED: _("An SLA target was missed"),
}


def unknown_events(names: list[str]) -> list[str]:
    return [name for name in names if name not in EVENTS]
