"""Writes the agent workspace needs on top of the ticket services: a reply that is sent only if
the conversation did not move on while the agent was writing."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from atiende.accounts.models import User
from atiende.core.exceptions import Conflict, NotFound

from ..models import Channel, Message, Ticket
from ..permissions import can_view_ticket
from .messages import message_create


class ConversationMoved(Conflict):
    """A message arrived after the writer's form was rendered; `latest_message_id` is the newest."""

    code = "stale_form"

    def __init__(self, *, latest_message_id: int):
        super().__init__(_("A new message arrived while you were writing."))
        self.latest_message_id = latest_message_id


def message_create_if_current(
    *,
    actor: User,
    ticket: Ticket,
    last_message_id: int | None,
    body: str,
    internal: bool = False,
    uploads: Sequence[UploadedFile] = (),
    template: tuple[int, Sequence[str]] | None = None,
) -> Message:
    """`message_create`, unless the ticket's newest message is no longer `last_message_id` (the
    newest one the writer saw; None or 0: none): then ConversationMoved and nothing is stored.
    The check holds the ticket's row lock, which every new message takes too, so no message can
    slip in between the check and the reply. Public replies go out on the ticket's channel."""
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if not can_view_ticket(actor, locked):
            raise NotFound()
        latest = (
            Message.objects.filter(ticket=locked).order_by("-created_at", "-id").values_list("pk", flat=True).first()
        )
        if latest is not None and latest != (last_message_id or None):
            raise ConversationMoved(latest_message_id=latest)
        return message_create(
            actor=actor, ticket=locked, body=body, internal=internal, uploads=uploads, template=template,
            channel=Channel.INTERNAL if internal else locked.channel,
        )
