"""Article slugs from titles (pure): ASCII, lowercase, hyphens; accents folded."""

from __future__ import annotations

import unicodedata

from django.utils.text import slugify

MAX_LENGTH = 120


def slug_for(title: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", title or "").encode("ascii", "ignore").decode("ascii")
    slug = slugify(ascii_text)[:MAX_LENGTH].strip("-")
    return slug or "articulo"
