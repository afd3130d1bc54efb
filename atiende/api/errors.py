"""DRF exception handler producing the `{"error": {...}}` envelope, never a traceback."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import set_rollback

from atiende.core.errors import error_payload
from atiende.core.exceptions import DomainError

DRF_CODES = {
    exceptions.ParseError: "parse_error",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
}


class Replay(Exception):
    """Raised to answer with a stored response (Idempotency-Key repeat)."""

    def __init__(self, status_code: int, body: object):
        self.status_code, self.body = status_code, body


def _fields(detail: object) -> object:
    if isinstance(detail, dict):
        return {key: _fields(value) for key, value in detail.items()}
    if isinstance(detail, list):
        items = [_fields(item) for item in detail]
        texts = [item for item in items if isinstance(item, str)]
        return " ".join(texts) if len(texts) == len(items) else items
    return str(detail)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, Replay):
        return Response(exc.body, status=exc.status_code, headers={"Idempotent-Replayed": "true"})
    if isinstance(exc, DomainError):
        set_rollback()
        return Response(error_payload(exc.code, exc.message, exc.fields), status=exc.status)
    if isinstance(exc, Http404):
        return Response(error_payload("not_found"), status=404)
    if isinstance(exc, PermissionDenied):
        return Response(error_payload("permission_denied"), status=403)
    if isinstance(exc, RequestDataTooBig):
        return Response(error_payload("request_too_large"), status=413)
    if isinstance(exc, exceptions.ValidationError):
        return Response(error_payload("invalid", fields=_fields(exc.detail)), status=400)
    if isinstance(exc, exceptions.APIException):
        headers = {}
        if isinstance(exc, exceptions.Throttled) and exc.wait:
            headers["Retry-After"] = str(int(exc.wait))
        if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
            headers["WWW-Authenticate"] = "Token"
        code = next((c for cls, c in DRF_CODES.items() if isinstance(exc, cls)), "bad_request")
        # Parse errors and our own authentication failures carry a useful detail; the rest get ours.
        specific = isinstance(exc, (exceptions.ParseError, exceptions.AuthenticationFailed))
        message = str(exc.detail) if specific else None
        return Response(error_payload(code, message), status=exc.status_code, headers=headers)
    return None  # unexpected: Django's handler500 answers with the JSON envelope
