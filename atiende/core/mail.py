"""Outgoing mail: the headers every automatic mail carries, and a backend that keeps messages in
the database (no SMTP server needed)."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage

# RFC 3834: mail no person wrote says so, and asks auto-responders not to answer it, so two
# helpdesks never write to each other forever. "auto-replied" answers a message; notices
# nobody asked for are "auto-generated".
AUTO_REPLIED_HEADERS = {"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"}
AUTO_GENERATED_HEADERS = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}


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
