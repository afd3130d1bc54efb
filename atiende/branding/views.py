from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from .selectors import branding_get, branding_logo_open, branding_stylesheet

# Pages link both with `?v=<version>`, which changes on every save: such a URL can be cached for
# a long time. Without the current version (an old page, a typed URL) only briefly.
LONG_CACHE = "public, max-age=31536000, immutable"
SHORT_CACHE = "public, max-age=300"


def _cache_control(request: HttpRequest, version: str) -> str:
    return LONG_CACHE if request.GET.get("v") == version else SHORT_CACHE


@require_GET
def stylesheet_view(request: HttpRequest) -> HttpResponse:
    view = branding_get()
    response = HttpResponse(branding_stylesheet(view), content_type="text/css; charset=utf-8")
    response["Cache-Control"] = _cache_control(request, view.version)
    return response


@require_GET
def logo_view(request: HttpRequest) -> HttpResponse:
    view = branding_get()
    handle = branding_logo_open(view)
    if handle is None:
        raise Http404()
    response = FileResponse(handle, content_type=view.logo_content_type)
    response["X-Content-Type-Options"] = "nosniff"
    # Opened on its own, the image is a sandboxed document that may run nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = _cache_control(request, view.version)
    return response
