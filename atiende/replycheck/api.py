"""The reply checker under /api/v1/: parse, call one selector, render."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from atiende.api.ids import IdField
from atiende.api.views import ApiView

from . import selectors
from .permissions import can_check_replies


class CanCheckReplies(permissions.IsAuthenticated):
    """Refused before the payload is read: customers and collaborators get a 403, never a 400."""

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and can_check_replies(request.user)


class TextField(serializers.CharField):
    """Text only: a number or a list where text belongs is a mistake worth a 400, not a coercion."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class CheckInput(serializers.Serializer):
    text = TextField(allow_blank=True, trim_whitespace=False, max_length=selectors.MAX_TEXT)
    language = TextField(max_length=10, help_text="es (es-MX) or en.")
    customer_message = TextField(required=False, allow_blank=True, trim_whitespace=False,
                                             max_length=selectors.MAX_TEXT,
                                             help_text="What the customer wrote last; ignored with `ticket`.")
    ticket = IdField(required=False, allow_null=True,
                     help_text="Id of the ticket: its last customer message, the customer's name and segment.")
    attachments = serializers.IntegerField(required=False, default=0, min_value=0, max_value=100)


class ReplyCheckView(ApiView):
    permission_classes = [CanCheckReplies]

    @extend_schema(request=CheckInput, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        data = CheckInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        findings = selectors.reply_check(user=request.user, text=values["text"], language=values["language"],
                                         customer_message=values.get("customer_message"),
                                         ticket_id=values.get("ticket"), attachments=values["attachments"])
        return Response({"findings": [finding.as_dict() for finding in findings]})
