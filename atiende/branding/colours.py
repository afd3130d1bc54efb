"""Colour arithmetic for branding (pure: no database).

Contrast follows WCAG 2.x: the relative luminance of sRGB colours and the ratio
(L1 + 0.05) / (L2 + 0.05) between the lighter and the darker one. Normal text needs 4.5:1.
"""

from __future__ import annotations

import re

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
MIN_CONTRAST = 4.5
WHITE = "#ffffff"
INK = "#1b1f24"  # the body text colour of base.css
PAGE = "#f6f8fa"  # the page background of base.css: links in the accent colour sit on it


def is_hex_colour(value: str) -> bool:
    return bool(HEX_COLOUR.match(value or ""))


def _channels(colour: str) -> tuple[float, float, float]:
    if not is_hex_colour(colour):
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    return tuple(int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def relative_luminance(colour: str) -> float:
    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _channels(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def ink_on(background: str) -> str:
    """White or the dark ink: whichever reads better on `background`."""
    return WHITE if contrast_ratio(background, WHITE) >= contrast_ratio(background, INK) else INK
