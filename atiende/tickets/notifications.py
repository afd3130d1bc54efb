"""Mail that tickets send to people (written by services and tasks, never by views)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _

from atiende.accounts.models import User
from atiende.core import clock
from atiende.core.mail import AUTO_GENERATED_HEADERS

from . import channels, service_levels
from .models import Message, Ticket


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
        headers=AUTO_GENERATED_HEADERS,
    )
    mail.send()
    return True


def acknowledgement_send(*, ticket_id: int) -> bool:
    """Confirm a new request to its requester with its number and when to expect an answer, on
    the ticket's own channel (`channels`): a ticket whose channel has no adapter gets nothing.

    The promise is the service levels' (`service_levels.promise`); without a running response
    target it says only that the team will answer. The adapter marks it automatic where its channel can (email's
    Auto-Submitted), so the customer's auto-responder does not answer it."""
    ticket = Ticket.objects.select_related("requester", "team").filter(pk=ticket_id).first()
    adapter = channels.adapter_for(ticket.channel) if ticket else None
    if adapter is None or not adapter.reaches(ticket):
        return False
    customer = ticket.requester
    language = customer.language or settings.LANGUAGE_CODE
    with translation.override(language):
        promise = service_levels.promise(ticket, clock.now(), customer.time_zone or None)
        expectation = promise or _("A person from our team will read it and answer you here.")
        subject = _("[%(ref)s] We received your request: %(subject)s") % {"ref": ticket.reference, "subject": ticket.subject}
        body = acknowledgement_text(name=customer.greeting_name, ref=ticket.reference, subject=ticket.subject,
                                    expectation=expectation, team=ticket.team.name if ticket.team_id else "")
    return adapter.acknowledge(ticket, channels.Notice(subject=subject, body=body))


def acknowledgement_text(*, name: str, ref: str, subject: str, expectation: str, team: str) -> str:
    """The acknowledgement in the active language: greets by the name the customer goes by and
    signs as the team (the reply checker's rules apply to the product's own words too)."""
    signature = _("The %(team)s team") % {"team": team} if team else settings.SITE_NAME
    return _("Hello %(name)s,\n\nWe received your request %(ref)s, \"%(subject)s\".\n%(expectation)s\n\n"
             "If you want to add anything, reply to this message.\n\nKind regards,\n%(signature)s\n") % {
        "name": name, "ref": ref, "subject": subject, "expectation": expectation, "signature": signature}
