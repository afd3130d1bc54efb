"""Checks on branding values, shared by the service and the admin form (no database)."""

from __future__ import annotations

from typing import Any

import filetype
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from .colours import MIN_CONTRAST, PAGE, contrast_ratio, ink_on, is_hex_colour

LOGO_MAX_BYTES = 512 * 1024
# Raster images only: an SVG is a document that can carry scripts.
LOGO_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}


def _hex(value: Any, code: str) -> str:
    colour = str(value or "").strip().lower()
    if not is_hex_colour(colour):
        raise ValidationError(_("Write the colour as #rrggbb, for example #0b5cad."), code=code)
    return colour


def _ratio(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def check_primary_colour(value: Any) -> str:
    """The header band: text on it is white or dark, whichever reads better, at ≥ 4.5:1."""
    colour = _hex(value, "primary_colour_format")
    ratio = contrast_ratio(colour, ink_on(colour))
    if ratio < MIN_CONTRAST:
        raise ValidationError(
            _("Text on %(colour)s would have a contrast of only %(ratio)s:1; choose a darker or lighter "
              "colour that reaches %(minimum)s:1 so everyone can read it."),
            code="primary_colour_contrast",
            params={"colour": colour, "ratio": _ratio(ratio), "minimum": _ratio(MIN_CONTRAST)},
        )
    return colour


def check_accent_colour(value: Any) -> str:
    """Buttons (white text on the colour) and links (the colour on the light page background):
    that background is a little darker than white, so a colour that passes it passes both."""
    colour = _hex(value, "accent_colour_format")
    ratio = contrast_ratio(colour, PAGE)
    if ratio < MIN_CONTRAST:
        raise ValidationError(
            _("Buttons and links in %(colour)s would have a contrast of only %(ratio)s:1; choose a darker "
              "colour that reaches %(minimum)s:1 so everyone can read them."),
            code="accent_colour_contrast",
            params={"colour": colour, "ratio": _ratio(ratio), "minimum": _ratio(MIN_CONTRAST)},
        )
    return colour


def check_logo(upload: Any) -> str:
    """The logo's content type, judged by its bytes (never by its name or declared type)."""
    size = getattr(upload, "size", None)
    if size is None or size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo is larger than %(limit)s KB."), code="logo_too_large", params={"limit": LOGO_MAX_BYTES // 1024}
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in LOGO_TYPES:
        raise ValidationError(_("Upload the logo as a PNG, JPEG or WebP image."), code="logo_type")
    return kind.mime


def check_offer_url(value: Any) -> str:
    """An https (or http) address, or empty: it is put in mail to customers."""
    text = str(value or "").strip()
    if not text:
        return ""
    try:
        URLValidator(schemes=["https", "http"])(text)
    except ValidationError:
        raise ValidationError(_("Write a web address that starts with https://."), code="bad_url") from None
    if len(text) > 500:
        raise ValidationError(_("Use at most 500 characters."), code="too_long")
    return text
