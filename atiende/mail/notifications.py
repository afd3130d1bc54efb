"""Automatic mail the email channel sends to senders (always marked automatic)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _

from atiende.core.mail import AUTO_REPLIED_HEADERS


def size_notice_send(*, address: str, subject: str, dropped: list[str], whole_message: bool) -> None:
    """Tell a sender their message, or some of its files, exceeded our size limits."""
    with translation.override(settings.LANGUAGE_CODE):
        if whole_message:
            limit = settings.MAIL_MAX_MESSAGE_BYTES // (1024 * 1024)
            body = _("Your message \"%(subject)s\" is larger than the %(limit)s MB we accept, so we could not "
                     "receive it. Please send it again with smaller attachments, or share them with a link.")
        else:
            limit = settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
            body = _("We received your message \"%(subject)s\", but these files are larger than the %(limit)s MB "
                     "we accept and were not attached: %(files)s. Please share them with a link.")
        body = body % {"subject": subject, "limit": limit, "files": ", ".join(dropped)}
        title = _("Your message could not be received whole")
    EmailMessage(subject=title, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[address],
                 headers=AUTO_REPLIED_HEADERS).send()
