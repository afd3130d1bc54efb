"""Sites that embed the widget."""

from __future__ import annotations

import secrets
from typing import Any

from django.utils.translation import gettext as _

from atiende.core.exceptions import Invalid

from ..models import ChatSite

# --- sites --------------------------------------------------------------------------------------

def site_create(*, name: str, allowed_origins: list[str], identity_secret: str = "", team: Any = None,
                max_chats_per_agent: int = 3, calendar: Any = None) -> ChatSite:
    """A site that may embed the widget (administrators, through the admin). Each origin must be
    "scheme://host[:port]"."""
    origins = _origins(allowed_origins)
    return ChatSite.objects.create(name=name, key=secrets.token_urlsafe(12), allowed_origins=origins,
                                   identity_secret=identity_secret, team=team,
                                   max_chats_per_agent=max_chats_per_agent, calendar=calendar)


def _origins(values: list[str]) -> list[str]:
    from ..identity import normalize_origin

    origins = []
    for value in values:
        origin = normalize_origin(value)
        if origin is None:
            raise Invalid(fields={"allowed_origins": _("%(value)s is not an origin such as https://www.example.com.")
                                  % {"value": value}})
        origins.append(origin)
    return origins


