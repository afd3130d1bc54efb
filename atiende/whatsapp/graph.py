"""Meta's Graph API, the one call this step makes: send a text message.

SSRF: the only address ever called is the number's configured `api_base` (checked when it is
configured: https, or http to this machine only, no credentials, query or fragment) followed by
the number's own `phone_number_id` (digits, checked too) and `/messages`. Nothing from a webhook
or a customer goes into the URL, and redirects are not followed."""

from __future__ import annotations

import httpx
from django.utils.translation import gettext as _

from atiende.core.apibase import api_base_problem
from atiende.tickets.channels import DeliveryFailed

from .models import WhatsAppNumber

TIMEOUT = httpx.Timeout(15.0, connect=5.0)
MAX_TEXT = 4096  # Meta's limit for a text message's body


def messages_url(number: WhatsAppNumber) -> str:
    problem = api_base_problem(number.api_base)
    if problem or not number.phone_number_id.isdigit():
        raise DeliveryFailed(_("The WhatsApp number is not configured correctly."), permanent=True)
    return f"{number.api_base.rstrip('/')}/{number.phone_number_id}/messages"


def send_text(number: WhatsAppNumber, to: str, body: str) -> str:
    """Send `body` to the WhatsApp id `to`; the new message's wamid, or DeliveryFailed (permanent
    for a 4xx answer other than 429: sending it again would be refused again)."""
    payload = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, "type": "text",
               "text": {"preview_url": False, "body": body[:MAX_TEXT]}}
    url = messages_url(number)
    try:
        response = httpx.post(url, json=payload, timeout=TIMEOUT, follow_redirects=False,
                              headers={"Authorization": f"Bearer {number.access_token}"})
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
    try:
        return str(data["messages"][0]["id"])
    except (KeyError, IndexError, TypeError):
        raise DeliveryFailed(_("WhatsApp answered without a message id."), permanent=True) from None
