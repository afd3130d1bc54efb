"""Retrying a reply's email that could not be sent: POST /api/v1/emails/{id}/retry/."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from atiende.api.views import ApiView
from atiende.core.exceptions import Conflict, Forbidden, NotFound
from atiende.tickets.permissions import can_edit_ticket, can_view_ticket

from . import outbound
from .models import DeliveryStatus, OutboundEmail


def email_data(email: OutboundEmail) -> dict:
    return {
        "id": email.pk, "status": email.status, "attempts": email.attempts, "last_error": email.last_error or None,
        "sent_at": email.sent_at.isoformat() if email.sent_at else None,
    }


class EmailRetryView(ApiView):
    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, email_id: int) -> Response:
        email = OutboundEmail.objects.select_related("ticket").filter(pk=email_id).first()
        if email is None or not can_view_ticket(request.user, email.ticket):
            raise NotFound()
        if not can_edit_ticket(request.user, email.ticket):
            raise Forbidden()
        if email.status == DeliveryStatus.SENT:
            raise Conflict(_("This email was sent already."))
        return Response(email_data(outbound.retry(email)))
