"""The error envelope: a stable machine `code` beside a translated message.

API responses are `{"error": {"code", "message", "fields"}}`; pages get a plain template that
never echoes the request path.
"""

from __future__ import annotations

from typing import Any

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
}


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
    return error_response(request, status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_response(request, status=403)
