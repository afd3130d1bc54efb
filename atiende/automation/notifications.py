"""Mail that rules send (written by tasks, never by views)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage

from atiende.core.mail import AUTO_GENERATED_HEADERS


def rule_email_send(*, address: str, subject: str, body: str) -> bool:
    """Send a rule's email, already rendered in the requester's language when the rule ran. Marked
    automatic (Auto-Submitted), so the customer's auto-responder does not answer it."""
    EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[address],
                 headers=AUTO_GENERATED_HEADERS).send()
    return True
