"""A mail backend that keeps outgoing messages in the database (no SMTP server needed)."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        from .models import OutboxMessage

        for message in email_messages:
            OutboxMessage.objects.create(
                subject=message.subject,
                from_email=message.from_email,
                to=list(message.to),
                cc=list(message.cc),
                bcc=list(message.bcc),
                body=message.body,
                raw=message.message().as_string(),
            )
        return len(email_messages)
