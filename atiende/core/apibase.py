"""The address of an outside API a channel calls (Meta's Graph API, Telegram's Bot API).

SSRF: an administrator types it, so it is checked when it is configured and again before every
call: https, or http to this machine only (tests' fake servers, a local Bot API server), no
credentials, query or fragment. Nothing from a webhook or a customer goes into it."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.utils.translation import gettext as _

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def api_base_problem(api_base: str) -> str:
    """Why an API address is refused, or ""."""
    try:
        parts = urlsplit(api_base)
    except ValueError:
        return _("Not a valid address.")
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host:
        return _("Give an https:// address.")
    if parts.scheme == "http" and host not in LOOPBACK:
        return _("Give an https:// address.")
    if parts.username or parts.password or parts.query or parts.fragment:
        return _("The address may not carry credentials, a query or a fragment.")
    return ""
