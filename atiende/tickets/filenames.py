"""Attachment file names: normalized first, validated after (pure: no database)."""

from __future__ import annotations

import os
import unicodedata

MAX_LENGTH = 150
# Names Windows refuses for any extension; harmless elsewhere but a trap for agents who download.
RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
FALLBACK = "attachment"


def _is_invisible(char: str) -> bool:
    # Cc control, Cf format (zero-width, bidi overrides), Co/Cs/Cn private, surrogate, unassigned.
    return unicodedata.category(char) in {"Cc", "Cf", "Co", "Cs", "Cn"}


def sanitize_filename(name: str) -> str:
    """Return a safe display and download name for an uploaded file.

    NFKC first (so look-alike and full-width characters collapse), then invisible and control
    characters go, path parts go, leading dots go (no hidden files such as `.htaccess`),
    reserved device names get a prefix, and the result is cut to MAX_LENGTH keeping the extension.
    """
    text = unicodedata.normalize("NFKC", name or "")
    text = "".join(ch for ch in text if not _is_invisible(ch))
    text = text.replace("\\", "/").split("/")[-1]
    text = "".join(ch for ch in text if ch not in '<>:"|?*')
    text = " ".join(text.split())  # collapse whitespace, trim
    text = text.lstrip(". ").rstrip(". ")
    if not text:
        return FALLBACK
    stem, ext = os.path.splitext(text)
    if stem.lower() in RESERVED or text.lower() in RESERVED:
        stem, text = f"_{stem}", f"_{text}"
    if len(text) > MAX_LENGTH:
        ext = ext[:20]
        text = stem[: MAX_LENGTH - len(ext)] + ext
    return text
