from __future__ import annotations

from django.db.models import QuerySet

from atiende.accounts.models import User
from atiende.core.exceptions import Forbidden, NotFound

from .models import WhatsAppNumber
from .permissions import can_manage_channels


def number_list(*, user: User) -> QuerySet[WhatsAppNumber]:
    if not can_manage_channels(user):
        raise Forbidden()
    return WhatsAppNumber.objects.select_related("team").order_by("name", "pk")


def number_get(*, user: User, number_id: int) -> WhatsAppNumber:
    number = number_list(user=user).filter(pk=number_id).first()
    if number is None:
        raise NotFound()
    return number


def number_for_webhook(number_id: int) -> WhatsAppNumber:
    """The active number a webhook URL names (404 otherwise, as if the URL did not exist)."""
    number = WhatsAppNumber.objects.filter(pk=number_id, active=True).first()
    if number is None:
        raise NotFound()
    return number
