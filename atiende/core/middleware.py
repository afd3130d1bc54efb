from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class UserLanguageMiddleware:
    """A signed-in user's preferred language wins over Accept-Language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class RequestTooBigMiddleware:
    """Refuse oversized bodies with a 413 before anything reads them.

    Django only limits form parsing, and DRF's JSON parser reads the raw stream, so the limit
    is enforced here from Content-Length: DATA_UPLOAD_MAX_MEMORY_SIZE for ordinary bodies,
    room for MAX_UPLOAD_FILES attachments for multipart uploads. The raw-email endpoint enforces
    its own, larger limit (MAIL_MAX_MESSAGE_BYTES) while it reads.
    """

    MAX_UPLOAD_FILES = 10

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        from .errors import error_response

        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return error_response(request, status=400)
        if request.content_type == "multipart/form-data":
            limit = settings.ATTACHMENT_MAX_BYTES * self.MAX_UPLOAD_FILES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        elif request.path == self._raw_mail_path():
            limit = None  # a whole email: the view reads it in chunks up to MAIL_MAX_MESSAGE_BYTES
        else:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            return error_response(request, status=413, code="request_too_large")
        if "%00" in request.META.get("QUERY_STRING", ""):
            # No text field takes NUL (PostgreSQL refuses it): a clear 400, never a 500 later.
            return error_response(request, status=400)
        if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            # The same for forms: not every POSTed value goes through a form field that refuses
            # NUL (a bulk action's tag, a saved view's name). Multipart bodies are left to their
            # fields; JSON bodies to the API's parser.
            try:
                body = request.body
            except RequestDataTooBig:
                return error_response(request, status=413, code="request_too_large")
            if b"%00" in body or b"\x00" in body:
                return error_response(request, status=400)
        return self.get_response(request)

    @staticmethod
    def _raw_mail_path() -> str:
        from django.urls import reverse

        return reverse("api:mail-inbound")

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RequestDataTooBig):
            from .errors import error_response

            return error_response(request, status=413, code="request_too_large")
        return None


# Scripts and styles only from our own static files: no inline code, no eval, nothing from a
# user upload (attachments are served with their own `sandbox` policy) and no other origin.
# `connect-src 'self'` covers the same-origin websocket in CSP level 3 browsers.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


class ContentSecurityPolicyMiddleware:
    """Send CONTENT_SECURITY_POLICY with every response that does not set a policy of its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


def allow_inline_styles(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For third-party pages that set style attributes (Swagger UI); scripts stay as strict."""
    from functools import wraps

    policy = CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response.headers["Content-Security-Policy"] = policy
        return response

    return wrapped
