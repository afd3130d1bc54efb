"""Article Markdown to safe HTML (pure: no database).

CommonMark with tables and strikethrough; raw HTML is not passed through (it shows as text),
and the result still goes through the sanitizer every other HTML of ours goes through, so a
`<script>`, an event handler or a `javascript:` link renders inert whichever layer misses it."""

from __future__ import annotations

import re
import unicodedata

from markdown_it import MarkdownIt

from atiende.core.html import sanitize_html

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)
_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def render_markdown(text: str) -> str:
    """Sanitized HTML for `text`; safe to mark as safe in a template."""
    clean = (text or "").replace("\x00", "")
    return sanitize_html(_parser.render(clean))


def plain_text(text: str, *, limit: int = 0) -> str:
    """The words of the Markdown without markup (snippets, meta descriptions)."""
    words = _SPACE.sub(" ", _TAGS.sub(" ", _parser.render((text or "").replace("\x00", "")))).strip()
    words = words.replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    if limit and len(words) > limit:
        words = words[: limit - 1].rsplit(" ", 1)[0] + "…"
    return words


def fold(text: str) -> str:
    """Case- and accent-insensitive form of `text` (ñ keeps its tilde: "año" is not "ano")."""
    decomposed = unicodedata.normalize("NFD", (text or "").casefold())
    kept = []
    for index, char in enumerate(decomposed):
        if unicodedata.combining(char):
            if char == "\u0303" and index and decomposed[index - 1] == "n":
                kept.append(char)
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))
