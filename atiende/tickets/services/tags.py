"""Which tags customers see."""

from __future__ import annotations

from django.db import transaction

from atiende.accounts.models import User
from atiende.core.exceptions import Forbidden, NotFound

from ..models import Tag
from ..permissions import can_manage_tags, sees_private_tags


def tag_update(*, actor: User, tag: Tag, is_public: bool) -> Tag:
    """Make a tag public (customers see it on their requests and may filter by it) or private
    again. Supervisors and admins only; a tag the actor may not see is NotFound."""
    with transaction.atomic():
        tag = Tag.objects.select_for_update().get(pk=tag.pk)
        if not tag.is_public and not sees_private_tags(actor):
            raise NotFound()
        if not can_manage_tags(actor):
            raise Forbidden()
        if tag.is_public != is_public:
            tag.is_public = is_public
            tag.save(update_fields=["is_public"])
    return tag
