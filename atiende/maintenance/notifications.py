"""Mail that maintenance sends (written by tasks, never by views)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage

from atiende.core.mail import AUTO_GENERATED_HEADERS


def reminder_email_send(*, addresses: list[str], subject: str, body: str) -> bool:
    """A warranty reminder, already worded in the customer's language; marked automatic so an
    auto-responder does not answer it."""
    EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=addresses,
                 headers=AUTO_GENERATED_HEADERS).send()
    return True
