"""Turning an upload into a stored attachment: size limit, sniffed type, safe name."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from atiende.core.exceptions import TooLarge

from .filenames import sanitize_filename

TEXT_TYPES = {".txt": "text/plain", ".csv": "text/csv", ".log": "text/plain"}


@dataclass(frozen=True)
class CheckedUpload:
    upload: UploadedFile
    filename: str
    content_type: str
    size: int


def sniff_content_type(head: bytes, filename: str) -> str:
    """The type from the bytes themselves; the name only decides among text types."""
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime
    stripped = head.lstrip().lower()
    if stripped.startswith(b"<svg") or (stripped.startswith(b"<?xml") and b"<svg" in stripped):
        return "image/svg+xml"
    if b"\x00" not in head:
        guessed, _enc = mimetypes.guess_type(filename)
        ext = ("." + filename.rsplit(".", 1)[-1].lower()) if "." in filename else ""
        return TEXT_TYPES.get(ext, "text/plain" if guessed is None or guessed.startswith("text/") else "application/octet-stream")
    return "application/octet-stream"


def check_upload(upload: UploadedFile) -> CheckedUpload:
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise TooLarge(
            _("%(name)s is larger than the %(limit)s MB allowed.")
            % {"name": sanitize_filename(upload.name or ""), "limit": limit // (1024 * 1024)},
            fields={"attachments": _("File too large.")},
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    filename = sanitize_filename(upload.name or "")
    return CheckedUpload(upload=upload, filename=filename, content_type=sniff_content_type(head, filename), size=upload.size)
