"""Mail that tickets send to people (written by services and tasks, never by views)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _

from atiende.accounts.models import User

from .models import Message


def referral_send(*, message_id: int, collaborator_id: int) -> bool:
    """Tell a colleague a ticket was referred to them. Idempotent enough: one mail per call."""
    message = Message.objects.select_related("ticket", "author_user").filter(pk=message_id).first()
    collaborator = User.objects.filter(pk=collaborator_id, is_active=True).first()
    if message is None or collaborator is None:
        return False
    ticket = message.ticket
    with translation.override(collaborator.language or settings.LANGUAGE_CODE):
        subject = _("[%(ref)s] Referred to you: %(subject)s") % {"ref": ticket.reference, "subject": ticket.subject}
        body = _(
            "%(author)s referred ticket %(ref)s to you. They remain its owner; your help is welcome.\n\n"
            "Their note:\n%(note)s\n"
        ) % {
            "author": message.author_user.name if message.author_user else _("Someone"),
            "ref": ticket.reference,
            "note": message.body_text,
        }
    mail = EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[collaborator.email],
        headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
    )
    mail.send()
    return True
