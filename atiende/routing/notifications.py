"""Mail about consultations (written by tasks, never by views)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _

from atiende.accounts.models import User
from atiende.core.mail import AUTO_GENERATED_HEADERS

from .models import Consultation


def _recipients(consultation: Consultation, event: str) -> list[User]:
    """Asked and reminded: who was asked. Answered: the asker. Breached: both."""
    asked = (
        [consultation.asked_agent] if consultation.asked_agent_id
        else list(consultation.asked_team.members.filter(is_active=True, kind="agent"))
    )
    if event == "answered":
        return [consultation.asked_by]
    if event == "breached":
        return [consultation.asked_by, *[u for u in asked if u.pk != consultation.asked_by_id]]
    return asked


def _texts(consultation: Consultation, event: str) -> tuple[str, str]:
    values = {"ref": consultation.ticket.reference, "subject": consultation.ticket.subject,
              "question": consultation.question, "due": consultation.due_at.isoformat(timespec="minutes"),
              "asker": consultation.asked_by.name, "answer": consultation.answer}
    if event == "asked":
        return (_("[%(ref)s] A colleague asks for your help: %(subject)s") % values,
                _("%(asker)s asks, about ticket %(ref)s, due %(due)s:\n\n%(question)s\n") % values)
    if event == "reminder":
        return (_("[%(ref)s] Reminder: a consultation is due %(due)s") % values,
                _("%(asker)s is still waiting for an answer, due %(due)s:\n\n%(question)s\n") % values)
    if event == "breached":
        return (_("[%(ref)s] A consultation is overdue") % values,
                _("The consultation about ticket %(ref)s was due %(due)s and has no answer:\n\n%(question)s\n") % values)
    return (_("[%(ref)s] Your consultation was answered") % values,
            _("Your question about ticket %(ref)s:\n%(question)s\n\nThe answer:\n%(answer)s\n") % values)


def consultation_mail(*, consultation_id: int, event: str) -> int:
    """Send the mail for `event` (asked, reminder, breached, answered); returns how many went out."""
    consultation = (
        Consultation.objects.select_related("ticket", "asked_by", "asked_agent", "asked_team")
        .filter(pk=consultation_id).first()
    )
    if consultation is None:
        return 0
    sent = 0
    for person in _recipients(consultation, event):
        if not person.is_active or not person.email:
            continue
        with translation.override(person.language or settings.LANGUAGE_CODE):
            subject, body = _texts(consultation, event)
        EmailMessage(subject=" ".join(subject.split()), body=body, from_email=settings.DEFAULT_FROM_EMAIL,
                     to=[person.email], headers=AUTO_GENERATED_HEADERS).send()
        sent += 1
    return sent
