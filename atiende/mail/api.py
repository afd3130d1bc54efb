"""`POST /api/v1/mail/inbound/`: a raw RFC 5322 message from an MTA pipe or a provider's webhook.

A machine endpoint: no session, no CSRF token, authenticated by the shared secret in
`X-Atiende-Mail-Secret` (and absent, 404, while MAIL_INBOUND_SECRET is empty). It answers 200
only once `ingest` has committed, so a sender retries on anything else; a repeat is recognised
as a duplicate. A message that cannot be read is kept in quarantine and also answered 200.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import UnsupportedMediaType
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from atiende.core.bodies import read_capped_body
from atiende.core.exceptions import Invalid, NotFound, TooLarge, Unauthenticated

from .services import ingest

SECRET_HEADER = "X-Atiende-Mail-Secret"
# Bodies that are a parsed form of a message, not the message itself.
REFUSED_TYPES = ("application/json", "multipart/form-data", "application/x-www-form-urlencoded")


# Deliberately not ApiView: its Idempotency-Key handling would wrap ingest, which commits
# itself, in an outer transaction; a repeated message is recognised by its Message-ID anyway.
class InboundMailView(APIView):
    """Take in one raw RFC 5322 message (the body). 200 once it is stored, whatever the outcome;
    retry on anything else. A message that cannot be read is kept in quarantine (200)."""

    authentication_classes: list = []
    permission_classes: list = []

    @extend_schema(
        operation_id="mail_inbound",
        request={"message/rfc822": OpenApiTypes.BINARY, "application/octet-stream": OpenApiTypes.BINARY},
        parameters=[OpenApiParameter(SECRET_HEADER, str, OpenApiParameter.HEADER, required=True)],
        responses=inline_serializer("InboundMailResult", {
            "outcome": serializers.ChoiceField(["new_ticket", "reply", "duplicate", "automatic", "quarantined"]),
            "ticket_id": serializers.IntegerField(allow_null=True),
        }),
    )
    def post(self, request: Request) -> Response:
        _check_secret(request)
        if (request.content_type or "").split(";")[0].strip().lower() in REFUSED_TYPES:
            raise UnsupportedMediaType(request.content_type)
        raw = _read_message(request, settings.MAIL_MAX_MESSAGE_BYTES)
        result = ingest(raw, source="http")
        return Response({"outcome": result.outcome, "ticket_id": result.ticket_id})


def _check_secret(request: Request) -> None:
    expected = settings.MAIL_INBOUND_SECRET
    if not expected:
        raise NotFound()  # switched off: answer as if the endpoint did not exist
    given = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise Unauthenticated(_("The mail secret is missing or not valid."))


def _read_message(request: Request, limit: int) -> bytes:
    return read_capped_body(
        request, limit=limit,
        too_large=TooLarge(_("The message is larger than the %(limit)s MB allowed.") % {"limit": limit // (1024 * 1024)},
                           code="message_too_large"),
        empty=Invalid(_("The request body must be the raw email message."), code="empty_message"),
    )
