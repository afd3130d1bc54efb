"""Meta's Graph API: send a text, template or file message, fetch a received message's media.

SSRF: the only host ever called is the one of the number's configured `api_base` (checked when it
is configured: https, or http to this machine only, no credentials, query or fragment). Sending
goes to `api_base` + the number's own `phone_number_id` (digits) + `/messages` (files first to
`/media`); a media id from a
webhook is used only when it is digits. The download address Meta answers with is followed only
when it has the same scheme, host and port as `api_base` (a media URL naming another host, a
private address or this machine is refused), redirects are never followed, and a download stops
reading past ATTACHMENT_MAX_BYTES."""

from __future__ import annotations

import hashlib
import mimetypes
import tempfile
from dataclasses import dataclass
from typing import Any, BinaryIO
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

from atiende.core.apibase import api_base_problem
from atiende.tickets.channels import DeliveryFailed

from .models import WhatsAppNumber

TIMEOUT = httpx.Timeout(15.0, connect=5.0)
MAX_TEXT = 4096  # Meta's limit for a text message's body


def messages_url(number: WhatsAppNumber) -> str:
    return _number_url(number, "messages")


def send_text(number: WhatsAppNumber, to: str, body: str) -> str:
    """Send `body` to the WhatsApp id `to`; the new message's wamid, or DeliveryFailed (permanent
    for a 4xx answer other than 429: sending it again would be refused again)."""
    return _send(number, {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, "type": "text",
                          "text": {"preview_url": False, "body": body[:MAX_TEXT]}})


def send_template(number: WhatsAppNumber, to: str, *, name: str, language: str, parameters: list[str]) -> str:
    """Send an approved template (the only message Meta accepts outside the 24-hour window)."""
    template: dict = {"name": name, "language": {"code": language}}
    if parameters:
        template["components"] = [{"type": "body",
                                   "parameters": [{"type": "text", "text": value} for value in parameters]}]
    return _send(number, {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
                          "type": "template", "template": template})


def send_file(number: WhatsAppNumber, to: str, attachment: Any) -> str:
    """Send one of a reply's attachments (a `tickets.Attachment`): uploaded to the number's media,
    then sent by its id as an image, audio, video or (any other file, under its name) document."""
    kind = outbound_kind(attachment.content_type, attachment.size)
    if attachment.size > OUTBOUND_MAX_BYTES["document"]:
        raise DeliveryFailed(_("%(name)s is larger than the 100 MB WhatsApp takes.") % {"name": attachment.filename},
                             permanent=True)
    with attachment.file.open("rb") as content:
        uploaded = _answer(lambda: httpx.post(
            _number_url(number, "media"), data={"messaging_product": "whatsapp", "type": attachment.content_type},
            files={"file": (attachment.filename, content, attachment.content_type)},
            timeout=UPLOAD_TIMEOUT, follow_redirects=False, headers={"Authorization": f"Bearer {number.access_token}"}))
    media_id = uploaded.get("id")
    if not isinstance(media_id, str) or not media_id:
        raise DeliveryFailed(_("WhatsApp answered without a media id."), permanent=True)
    media: dict[str, str] = {"id": media_id}
    if kind == "document":
        media["filename"] = attachment.filename
    return _send(number, {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
                          "type": kind, kind: media})


# What Meta takes as each kind (developers.facebook.com/docs/whatsapp/cloud-api/reference/media);
# any other file, or one too large for its kind, goes as a document.
OUTBOUND_TYPES = {
    "image": frozenset({"image/jpeg", "image/png"}),
    "audio": frozenset({"audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg"}),
    "video": frozenset({"video/mp4", "video/3gpp"}),
}
OUTBOUND_MAX_BYTES = {"image": 5 * 1024 * 1024, "audio": 16 * 1024 * 1024, "video": 16 * 1024 * 1024,
                      "document": 100 * 1024 * 1024}
UPLOAD_TIMEOUT = httpx.Timeout(60.0, connect=5.0)


def outbound_kind(content_type: str, size: int) -> str:
    for kind, types in OUTBOUND_TYPES.items():
        if content_type in types and size <= OUTBOUND_MAX_BYTES[kind]:
            return kind
    return "document"


def _number_url(number: WhatsAppNumber, edge: str) -> str:
    problem = api_base_problem(number.api_base)
    if problem or not (number.phone_number_id.isascii() and number.phone_number_id.isdigit()):
        raise DeliveryFailed(_("The WhatsApp number is not configured correctly."), permanent=True)
    return f"{number.api_base.rstrip('/')}/{number.phone_number_id}/{edge}"


def _send(number: WhatsAppNumber, payload: dict) -> str:
    url = messages_url(number)
    data = _answer(lambda: httpx.post(url, json=payload, timeout=TIMEOUT, follow_redirects=False,
                                      headers={"Authorization": f"Bearer {number.access_token}"}))
    try:
        return str(data["messages"][0]["id"])
    except (KeyError, IndexError, TypeError):
        raise DeliveryFailed(_("WhatsApp answered without a message id."), permanent=True) from None


def _answer(request) -> dict:
    """Make one call; its JSON object, or DeliveryFailed (permanent for a 4xx answer other than
    429: sending it again would be refused again)."""
    try:
        response = request()
    except httpx.HTTPError as exc:
        raise DeliveryFailed(_("WhatsApp could not be reached: %(error)s") % {"error": type(exc).__name__}) from exc
    try:
        data = response.json()
    except ValueError:
        data = {}
    if not 200 <= response.status_code < 300:
        error = data.get("error") if isinstance(data, dict) and isinstance(data.get("error"), dict) else {}
        message = str(error.get("message") or response.reason_phrase or response.status_code)
        details = (error.get("error_data") or {}).get("details") if isinstance(error.get("error_data"), dict) else None
        reason = _("WhatsApp refused the message (%(status)s): %(message)s") % {
            "status": response.status_code, "message": f"{message} {details}" if details else message}
        permanent = 400 <= response.status_code < 500 and response.status_code != 429
        raise DeliveryFailed(reason[:2000], permanent=permanent)
    return data if isinstance(data, dict) else {}


# --- media ----------------------------------------------------------------------------------------

class MediaUnavailable(Exception):  # noqa: N818 - an outcome, as DeliveryFailed
    """A received file could not be fetched. `transient`: trying later may work (the network, a
    5xx, a download cut short); otherwise it never will (too large, refused address, gone)."""

    def __init__(self, reason: str, *, transient: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.transient = transient


@dataclass(frozen=True)
class Media:
    content: BinaryIO  # a seekable temporary file, at the start
    content_type: str
    size: int
    extension: str


def same_origin(url: str, base: str) -> bool:
    """Whether `url` has the scheme, host and port of `base` (the only place we may call)."""
    try:
        a, b = urlsplit(url), urlsplit(base)
        return (a.scheme, (a.hostname or "").lower(), a.port, a.username, a.password) == \
            (b.scheme, (b.hostname or "").lower(), b.port, None, None) and a.scheme in ("https", "http")
    except ValueError:
        return False


def media_url_allowed(url: str, api_base: str) -> bool:
    """The API's own origin, or one of WHATSAPP_MEDIA_HOSTS over https on its default port: Meta
    serves the files of graph.facebook.com from lookaside.fbsbx.com (decision 0017)."""
    if same_origin(url, api_base):
        return True
    try:
        parts = urlsplit(url)
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        return False
    return (parts.scheme == "https" and port in (None, 443) and not parts.username and not parts.password
            and host in {h.lower() for h in settings.WHATSAPP_MEDIA_HOSTS})


def media_fetch(number: WhatsAppNumber, media_id: str) -> Media:
    """Fetch a received message's media: its address from `GET {api_base}/{media_id}`, then the
    bytes from that address, both with the access token. MediaUnavailable otherwise."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if not (media_id.isascii() and media_id.isdigit()) or len(media_id) > 64 or api_base_problem(number.api_base):
        raise MediaUnavailable(_("the media id is not valid"))
    headers = {"Authorization": f"Bearer {number.access_token}"}
    info = _media_info(f"{number.api_base.rstrip('/')}/{media_id}", headers)
    url = info.get("url")
    if not isinstance(url, str) or not media_url_allowed(url, number.api_base):
        raise MediaUnavailable(_("the media address is not on the WhatsApp API's host"))
    announced = info.get("file_size")
    announced = int(announced) if isinstance(announced, int) or (isinstance(announced, str) and announced.isascii() and announced.isdigit()) else None
    if announced is not None and announced > limit:
        raise MediaUnavailable(_("it is larger than the %(limit)s MB allowed") % {"limit": limit // (1024 * 1024)})
    content, size, digest = _download(url, headers, limit)
    if announced is not None and size != announced:
        content.close()
        raise MediaUnavailable(_("the download was incomplete"), transient=True)
    expected = info.get("sha256")
    if isinstance(expected, str) and expected and expected.lower() != digest:
        content.close()
        raise MediaUnavailable(_("the download was incomplete"), transient=True)
    content_type = str(info.get("mime_type") or "").split(";")[0].strip().lower()
    extension = (mimetypes.guess_extension(content_type) or "") if content_type else ""
    return Media(content=content, content_type=content_type, size=size, extension=extension)


def _media_info(url: str, headers: dict) -> dict:
    try:
        response = httpx.get(url, headers=headers, timeout=TIMEOUT, follow_redirects=False)
    except httpx.HTTPError as exc:
        raise MediaUnavailable(_("WhatsApp could not be reached: %(error)s") % {"error": type(exc).__name__},
                               transient=True) from exc
    _check_status(response.status_code)
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise MediaUnavailable(_("WhatsApp answered without the media's address"))
    return data


def _check_status(status: int) -> None:
    if status == 429 or status >= 500:
        raise MediaUnavailable(_("WhatsApp answered %(status)s") % {"status": status}, transient=True)
    if not 200 <= status < 300:  # 3xx too: redirects are not followed
        raise MediaUnavailable(_("WhatsApp answered %(status)s") % {"status": status})


def _download(url: str, headers: dict, limit: int) -> tuple[BinaryIO, int, str]:
    """Stream into a temporary file, stopping as soon as more than `limit` bytes came."""
    content = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115 - returned open
    digest, size = hashlib.sha256(), 0
    try:
        with httpx.stream("GET", url, headers=headers, timeout=TIMEOUT, follow_redirects=False) as response:
            _check_status(response.status_code)
            for chunk in response.iter_bytes(64 * 1024):
                size += len(chunk)
                if size > limit:
                    raise MediaUnavailable(_("it is larger than the %(limit)s MB allowed")
                                           % {"limit": limit // (1024 * 1024)})
                digest.update(chunk)
                content.write(chunk)
    except httpx.HTTPError as exc:
        content.close()
        raise MediaUnavailable(_("the download was incomplete"), transient=True) from exc
    except MediaUnavailable:
        content.close()
        raise
    content.seek(0)
    return content, size, digest.hexdigest()  # type: ignore[return-value]
