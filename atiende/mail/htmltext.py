"""A plain-text rendering of an HTML email, for messages that arrive without a text part.

Quoted history (`<blockquote>`) becomes "> " lines so `reply.split_reply` can find it, links
keep their address, and scripts, styles and the head are dropped.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "fieldset", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
    "ol", "p", "pre", "section", "table", "tr", "ul",
}
SKIPPED_TAGS = {"head", "script", "style", "title", "template", "noscript", "xml"}


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.quote_depth = 0
        self.line_depth = 0
        self.skip_depth = 0
        self.pre_depth = 0
        self.link_href: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_TAGS:
            self.skip_depth += 1
            return
        if tag == "br":
            self.newline(force=True)
        elif tag in BLOCK_TAGS:
            self.newline()
        if tag == "blockquote":
            self.quote_depth += 1
            self.line_depth = self.quote_depth
        elif tag == "pre":
            self.pre_depth += 1
        elif tag == "li":
            self.write("- ")
        elif tag in {"td", "th"} and self.current:
            self.write(" ")
        elif tag == "a":
            self.link_href.append(dict(attrs).get("href"))
        elif tag == "img":
            alt = (dict(attrs).get("alt") or "").strip()
            if alt:
                self.write(f"[{alt}]")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_TAGS:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if tag == "a" and self.link_href:
            href = self.link_href.pop() or ""
            if href.startswith(("http://", "https://")) and href not in "".join(self.current):
                self.write(f" <{href}>")
        if tag in BLOCK_TAGS:
            self.newline()
        if tag == "blockquote":
            self.quote_depth = max(0, self.quote_depth - 1)
            self.line_depth = self.quote_depth
        elif tag == "pre":
            self.pre_depth = max(0, self.pre_depth - 1)

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if self.pre_depth:
            first, *rest = data.split("\n")
            self.write(first)
            for line in rest:
                self.newline(force=True)
                self.write(line)
            return
        text = re.sub(r"\s+", " ", data)
        if not self.current or "".join(self.current).endswith(" "):
            text = text.lstrip()
        self.write(text)

    def write(self, text: str) -> None:
        if text:
            if not self.current:
                self.line_depth = self.quote_depth
            self.current.append(text)

    def newline(self, *, force: bool = False) -> None:
        line = "".join(self.current).rstrip()
        if line or force:
            prefix = "> " * self.line_depth
            self.lines.append((prefix + line).rstrip() if prefix else line)
        self.current = []
        self.line_depth = self.quote_depth

    def text(self) -> str:
        self.newline()
        collapsed: list[str] = []
        for line in self.lines:
            if line.strip(" >") or not collapsed or collapsed[-1].strip(" >"):
                collapsed.append(line)
        return "\n".join(collapsed).strip("\n")


def html_to_text(html: str) -> str:
    """Readable text for an HTML body; never raises (a broken document gives its text)."""
    collector = _TextCollector()
    try:
        collector.feed(html)
        collector.close()
    except Exception:  # HTMLParser is tolerant; this guards pathological input only
        pass
    return collector.text()
