"""Raw request bodies read with a cap, for endpoints that take bytes rather than parsed data
(an MTA's message, a webhook that must be signed over its exact bytes)."""

from __future__ import annotations

from typing import Any

from .exceptions import Invalid, TooLarge

CHUNK_BYTES = 64 * 1024


def read_capped_body(request: Any, *, limit: int, too_large: TooLarge, empty: Invalid) -> bytes:
    """The whole body, read in chunks from the stream: `request.body` would refuse anything over
    DATA_UPLOAD_MAX_MEMORY_SIZE, and a chunked body has no Content-Length to check up front.
    Raises `too_large` past `limit` bytes (declared or read) and `empty` for no body."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise too_large
    chunks, size = [], 0
    while chunk := request.read(CHUNK_BYTES):
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    if not size:
        raise empty
    return b"".join(chunks)
