"""`{% sso_button next %}`: the "Sign in with <provider>" button on the staff sign-in page, when
single sign-on is configured (decision 0049)."""

from __future__ import annotations

from django import template

from atiende.signin.oidc import configured_provider

register = template.Library()


@register.inclusion_tag("signin/_sso_button.html")
def sso_button(next_url: str = "") -> dict:
    provider = configured_provider()
    return {"provider_name": provider.name if provider else "", "next": next_url}
