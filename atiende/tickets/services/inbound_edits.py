"""A customer edited a message on their channel: the inbound port's second entry point.

`inbound_edit(channel=, external_id=, text=, edited_at=)` finds the message that channel
delivered under that id (its `ChannelReceipt`), keeps the words it had as a `MessageRevision`,
puts the new words on the message, and writes a history event that quotes the old ones: agents
see "edited" on the message and what it said before in the history. Nothing else changes
(status, SLA clocks, attachments): an edit is not a new message. Any channel may call it;
`tickets` names none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from atiende.core import clock
from atiende.core.broadcast import broadcast_ticket_changed
from atiende.core.exceptions import Invalid

from ..models import ChannelReceipt, Message, MessageRevision
from .common import clean_body, record_changes
from .inbound import INBOUND_CHANNELS

EDITED = "edited"
UNCHANGED = "unchanged"  # the same words again (a repeated edit)
STALE = "stale"  # an edit older than one already applied (arrived out of order)
UNKNOWN = "unknown"  # no message was taken in under that id


@dataclass(frozen=True)
class EditResult:
    outcome: str
    ticket_id: int | None = None
    message_id: int | None = None


def inbound_edit(*, channel: str, external_id: str, text: str, html: str = "",
                 edited_at: datetime | None = None) -> EditResult:
    """Record the new words of the message `channel` delivered as `external_id`."""
    if channel not in INBOUND_CHANNELS:
        raise Invalid(_("Unknown channel."), fields={"channel": _("Unknown channel.")})
    if edited_at is not None and (edited_at.tzinfo is None or edited_at.utcoffset() is None):
        raise Invalid(fields={"edited_at": _("Give the time with its time zone.")})
    new_text, new_html = clean_body(text, html)
    when = edited_at or clock.now()
    with transaction.atomic():
        receipt = ChannelReceipt.objects.filter(channel=channel, external_id=(external_id or "").strip()).first()
        if receipt is None or receipt.message_id is None:
            return EditResult(UNKNOWN)
        message = Message.objects.select_for_update().select_related("ticket").get(pk=receipt.message_id)
        latest = message.revisions.order_by("-replaced_at", "-pk").values_list("replaced_at", flat=True).first()
        if latest is not None and when < latest:
            return EditResult(STALE, message.ticket_id, message.pk)
        if (message.body_text, message.body_html) == (new_text, new_html):
            return EditResult(UNCHANGED, message.ticket_id, message.pk)
        MessageRevision.objects.create(message=message, body_text=message.body_text, body_html=message.body_html,
                                       replaced_at=when)
        record_changes(message.ticket, None, [("message_edited", message.body_text, new_text)])
        message.body_text, message.body_html = new_text, new_html
        message.save(update_fields=["body_text", "body_html"])
        broadcast_ticket_changed(ticket_id=message.ticket_id)
    return EditResult(EDITED, message.ticket_id, message.pk)
