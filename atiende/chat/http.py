"""The widget's HTTP plumbing: CORS for the site's own origins, JSON in and out, errors as the
envelope. The widget runs on the company's site, so every answer names that origin in
Access-Control-Allow-Origin, and only for an origin the site lists; no cookie is involved (the
visitor proves their session with a bearer token), so credentials are never allowed."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from atiende.core.errors import error_payload
from atiende.core.exceptions import DomainError, TooLarge
from atiende.core.params import BadValue, parse_json

from .identity import normalize_origin
from .services import MAX_MESSAGE_CHARS

MAX_BODY_BYTES = 64 * 1024  # a chat line is at most 5,000 characters; this leaves room for JSON
PREFLIGHT_SECONDS = 600


def widget_language(request: HttpRequest) -> str:
    """The page's language as the widget reports it (`lang`), es-MX unless it is English."""
    asked = (request.GET.get("lang") or request.headers.get("X-Chat-Language") or "").lower()
    return "en" if asked.startswith("en") else "es-mx"


def widget_endpoint(*methods: str) -> Callable:
    """Wrap a widget view: answer preflights, refuse other methods, speak the page's language,
    turn DomainErrors into the error envelope, and add the CORS headers for the request's origin
    (the view has checked it against the site: a refused origin gets no CORS header, so the
    browser shows the page nothing)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "OPTIONS":
                response: HttpResponse = HttpResponse(status=204)
                response["Access-Control-Allow-Methods"] = ", ".join((*methods, "OPTIONS"))
                response["Access-Control-Allow-Headers"] = "Authorization, Content-Type, X-Chat-Language"
                response["Access-Control-Max-Age"] = str(PREFLIGHT_SECONDS)
                return _cors(request, response)
            if request.method not in methods:
                return _cors(request, JsonResponse(error_payload("method_not_allowed"), status=405))
            with translation.override(widget_language(request)):
                try:
                    response = view(request, *args, **kwargs)
                except DomainError as exc:
                    response = JsonResponse(error_payload(exc.code, exc.message or None, exc.fields), status=exc.status)
            response.headers.setdefault("Cache-Control", "no-store")
            return _cors(request, response)

        return wrapped

    return decorate


def _cors(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    origin = normalize_origin(request.headers.get("Origin", ""))
    allowed = getattr(request, "chat_origin_allowed", None)
    # A preflight carries no token and names no site for sessions: it is answered for any origin,
    # and the real request is then checked against the site's list.
    if origin and (allowed or request.method == "OPTIONS"):
        response["Access-Control-Allow-Origin"] = request.headers["Origin"]
        response["Vary"] = "Origin"
    return response


def json_body(request: HttpRequest) -> dict:
    """The request's JSON object. TooLarge over MAX_BODY_BYTES (read no further), else BadValue."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES or len(request.body) > MAX_BODY_BYTES:
        raise TooLarge(_("A chat message can have at most %(count)s characters.") % {"count": MAX_MESSAGE_CHARS},
                       code="message_too_large")
    try:
        content = parse_json(request.body or b"{}", max_depth=2)
    except BadValue as exc:
        raise DomainError(str(exc), code="parse_error") from None
    if not isinstance(content, dict):
        raise DomainError(_("Send a JSON object."), code="parse_error")
    return content


def bearer(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else ""
