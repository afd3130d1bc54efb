"""For agents: retry a reply's email (POST /api/v1/emails/{id}/retry/) and read the original of a
message that came by email (GET /api/v1/messages/{id}/original/, the whole .eml, as received)."""

from __future__ import annotations

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from atiende.api.views import ApiView
from atiende.core.exceptions import Conflict, Forbidden, NotFound
from atiende.tickets.models import Message
from atiende.tickets.permissions import can_edit_ticket, can_view_ticket
from atiende.tickets.selectors import message_original_get

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


class MessageOriginalView(ApiView):
    @extend_schema(responses={(200, "message/rfc822"): OpenApiTypes.BINARY})
    def get(self, request: Request, message_id: int):
        # The message's ticket as it is now (a merge moves messages), then the page's own rule.
        message = Message.objects.select_related("ticket").filter(pk=message_id).first()
        if message is None or not can_view_ticket(request.user, message.ticket):
            raise NotFound()
        original = message_original_get(user=request.user, ticket=message.ticket, message_id=message_id)
        try:
            handle = original.open("rb")
        except OSError:
            raise NotFound() from None
        response = FileResponse(handle, content_type="message/rfc822", as_attachment=True,
                                filename=f"mensaje-{message_id}.eml")
        response["X-Content-Type-Options"] = "nosniff"
        return response
