"""Mail about SLA alerts: to the ticket's owner and its team's supervisors."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from atiende.accounts.models import Role, User
from atiende.core.mail import AUTO_GENERATED_HEADERS

from .models import Clock, Metric


def _supervisors(team_id: int | None) -> QuerySet[User]:
    supervisors = User.objects.filter(is_active=True, role=Role.SUPERVISOR)
    of_team = supervisors.filter(teams=team_id) if team_id else supervisors.none()
    return of_team if of_team.exists() else supervisors


def alert_recipients(clock: Clock) -> list[User]:
    ticket = clock.ticket
    people = {user.pk: user for user in _supervisors(ticket.team_id)}
    if ticket.assignee is not None and ticket.assignee.is_active:
        people[ticket.assignee.pk] = ticket.assignee
    return sorted(people.values(), key=lambda user: user.pk)


def alert_send(*, clock_ids: list[int], alert: str) -> int:
    """One mail per clock and recipient, in the recipient's language and time zone."""
    sent = 0
    clocks = Clock.objects.filter(pk__in=clock_ids).select_related("ticket__assignee", "ticket__team")
    for clock in clocks:
        for user in alert_recipients(clock):
            _message(clock, user, alert).send()
            sent += 1
    return sent


def _message(clock: Clock, user: User, alert: str) -> EmailMessage:
    ticket = clock.ticket
    with translation.override(user.language or settings.LANGUAGE_CODE), timezone.override(user.time_zone or settings.TIME_ZONE):
        metric = str(Metric(clock.metric).label).lower()
        deadline = clock.breached_at or clock.due_at
        when = date_format(timezone.localtime(deadline), "DATETIME_FORMAT") if deadline else ""
        if alert == "breach":
            subject = _("[%(ref)s] SLA breached: %(metric)s") % {"ref": ticket.reference, "metric": metric}
            body = _("The %(metric)s target of ticket %(ref)s (%(subject)s) was missed at %(when)s.")
        else:
            subject = _("[%(ref)s] SLA about to be missed: %(metric)s") % {"ref": ticket.reference, "metric": metric}
            body = _("The %(metric)s target of ticket %(ref)s (%(subject)s) will be missed at %(when)s.")
        body = body % {"metric": metric, "ref": ticket.reference, "subject": ticket.subject, "when": when}
    return EmailMessage(
        subject=" ".join(subject.split()), body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email],
        headers=AUTO_GENERATED_HEADERS,
    )
