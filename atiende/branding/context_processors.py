from django.http import HttpRequest

from .selectors import BrandingView, branding_get


def branding(request: HttpRequest) -> dict[str, BrandingView]:
    """`branding` in every template: name, logo_url, css_url, colours, allow_signup."""
    return {"branding": branding_get()}
