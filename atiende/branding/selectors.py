"""Reads for branding: one cached view of the single row, for every page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.urls import reverse

from .colours import ink_on
from .models import DEFAULT_ACCENT, DEFAULT_PRIMARY, Branding

CACHE_KEY = "branding:view:1"
# Saving through `branding_update` forgets the cached view at once; the timeout only bounds how
# long another process with its own in-memory cache (no Redis) may show the previous one.
CACHE_SECONDS = 300


@dataclass(frozen=True)
class BrandingView:
    name: str
    primary_color: str
    primary_ink: str  # text colour on the primary colour
    accent_color: str
    allow_signup: bool
    version: str  # changes on every save: busts browser caches of the stylesheet and logo
    logo_name: str  # storage name; empty without a logo
    logo_content_type: str
    warranty_offer_url: str = ""  # the extended warranty offer the expiry reminders link to

    @property
    def logo_url(self) -> str:
        return f"{reverse('branding:logo')}?v={self.version}" if self.logo_name else ""

    @property
    def css_url(self) -> str:
        return f"{reverse('branding:css')}?v={self.version}"


DEFAULT = BrandingView(
    name="", primary_color=DEFAULT_PRIMARY, primary_ink=ink_on(DEFAULT_PRIMARY), accent_color=DEFAULT_ACCENT,
    allow_signup=False, version="0", logo_name="", logo_content_type="",
)


def _view(row: Branding | None) -> BrandingView:
    if row is None:
        return DEFAULT
    return BrandingView(
        name=row.company_name,
        primary_color=row.primary_color,
        primary_ink=ink_on(row.primary_color),
        accent_color=row.accent_color,
        allow_signup=row.allow_signup,
        version=format(int(row.updated_at.timestamp() * 1000), "x"),
        logo_name=row.logo.name or "",
        logo_content_type=row.logo_content_type,
        warranty_offer_url=row.warranty_offer_url,
    )


def branding_get() -> BrandingView:
    """The branding every template sees (one query on a cold cache, none after)."""
    view = cache.get(CACHE_KEY)
    if view is None:
        view = _view(Branding.objects.filter(pk=1).first())
        cache.set(CACHE_KEY, view, CACHE_SECONDS)
    return view


def branding_forget() -> None:
    cache.delete(CACHE_KEY)


def branding_stylesheet(view: BrandingView) -> str:
    """CSS custom properties for the colours (the CSP forbids inline styles). The values were
    validated as #rrggbb when saved, so nothing else can reach the stylesheet."""
    return (
        ":root{"
        f"--brand:{view.primary_color};--brand-ink:{view.primary_ink};--accent:{view.accent_color};"
        "}\n"
        # The logo sits in the header of every page, beside the company name.
        ".brand{display:inline-flex;align-items:center;gap:.5rem}"
        ".brand-logo{display:block;height:2rem;width:auto;max-width:10rem;object-fit:contain}\n"
    )


def branding_logo_open(view: BrandingView) -> Any | None:
    """The stored logo opened for reading, or None when there is none (or storage lost it)."""
    if not view.logo_name:
        return None
    storage = Branding._meta.get_field("logo").storage
    try:
        return storage.open(view.logo_name, "rb")
    except FileNotFoundError:
        return None
