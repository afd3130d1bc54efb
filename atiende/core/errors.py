"""The error envelope: a stable machine `code` beside a translated message.

API responses are `{"error": {"code", "message", "fields"}}`; pages get a plain template that
never echoes the request path.
"""

from __future__ import annotations

import sqlite3
import sys
from typing import Any

from django import db
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "bad_request": _("The request could not be understood."),
    "invalid": _("Some fields are not valid."),
    "parse_error": _("The request body is not valid JSON."),
    "not_authenticated": _("Sign in or send a valid API token."),
    "authentication_failed": _("The credentials are not valid."),
    "permission_denied": _("You do not have permission to do this."),
    "not_found": _("Not found."),
    "method_not_allowed": _("This method is not allowed here."),
    "not_acceptable": _("The requested format is not available."),
    "unsupported_media_type": _("This content type is not supported."),
    "conflict": _("The request conflicts with the current state."),
    "idempotency_key_reused": _("This Idempotency-Key was already used with a different request."),
    "idempotency_key_invalid": _("The Idempotency-Key header must be 1 to 255 visible characters."),
    "request_too_large": _("The request is too large."),
    "attachment_too_large": _("The attachment is larger than the allowed size."),
    "throttled": _("Too many attempts. Try again later."),
    "server_error": _("Something went wrong on our side. The error was recorded."),
    "service_unavailable": _("The service is busy or briefly unavailable. Try again in a few seconds."),
}

STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "request_too_large",
    429: "throttled",
    500: "server_error",
    503: "service_unavailable",
}
# Seconds a client (or a load balancer) should wait before retrying when the database could not
# be reached or its pool had no free connection for the pool's whole timeout.
RETRY_AFTER_SECONDS = 5


def error_payload(code: str, message: str | None = None, fields: dict[str, Any] | None = None) -> dict:
    return {"error": {"code": code, "message": str(message or MESSAGES.get(code, code)), "fields": fields or {}}}


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def error_response(request: HttpRequest, *, status: int, code: str | None = None) -> HttpResponse:
    code = code or STATUS_CODES.get(status, "bad_request")
    if wants_json(request):
        return JsonResponse(error_payload(code), status=status)
    return render(request, "error.html", {"status": status, "message": MESSAGES[code]}, status=status)


def handler400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, status=400)


def handler403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, status=403)


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, status=404)


def handler500(request: HttpRequest) -> HttpResponse:
    """Django calls this inside its `except` block, so the error is still at hand."""
    if database_unavailable(sys.exc_info()[1]):
        response = error_response(request, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return error_response(request, status=500)


def database_unavailable(error: BaseException | None) -> bool:
    """A database we could not reach or get a connection from, as opposed to a bug: psycopg's
    connection failures (the pool's timeout among them) carry no SQLSTATE, which every error the
    server reports about a statement has; SQLite's busy database is "database is locked"."""
    if not isinstance(error, db.OperationalError):
        return False
    cause = error.__cause__
    if isinstance(cause, sqlite3.OperationalError):
        return "locked" in str(cause)
    return cause is not None and hasattr(cause, "sqlstate") and cause.sqlstate is None


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_response(request, status=403)
