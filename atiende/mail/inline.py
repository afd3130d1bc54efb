"""Pointing `cid:` image sources of a sanitized email body at the stored inline attachments.

`ParsedMessage.html` keeps `src="cid:<content-id>"` (our sanitizer allows the cid scheme) and
each inline `ParsedAttachment` keeps its `content_id`; once the attachments are stored, the
caller maps content ids to their URLs with this function.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from urllib.parse import unquote

# nh3 writes attributes with double quotes, so this is the only shape sanitized HTML has.
CID_SOURCE = re.compile(r'(<img\b[^>]*?\ssrc=")cid:([^"]*)(")', re.IGNORECASE)


def rewrite_cid_sources(sanitized_html: str, urls: Mapping[str, str]) -> str:
    """Replace `cid:` sources with `urls[content_id]`; unknown ids are left untouched.

    Content ids are compared exactly, then ignoring case (clients differ), and may arrive
    percent-encoded in the URL (RFC 2392).
    """
    folded = {content_id.lower(): url for content_id, url in urls.items()}

    def replace(match: re.Match[str]) -> str:
        content_id = unquote(html.unescape(match.group(2))).strip().strip("<>")
        url = urls.get(content_id) or folded.get(content_id.lower())
        if url is None:
            return match.group(0)
        return f"{match.group(1)}{html.escape(url, quote=True)}{match.group(3)}"

    return CID_SOURCE.sub(replace, sanitized_html)
