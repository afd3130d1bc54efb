"""Mail about appointments: to the customer and the agent, each in their language, with the
`.ics` invitation in the customer's time zone (decision 0035)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from atiende.core.mail import AUTO_GENERATED_HEADERS
from atiende.customers.models import Customer, IdentityKind

from .invitation import Invitation, ics_bytes
from .models import Appointment, AppointmentStatus

SUBJECTS = {
    "booked": lambda: _("Appointment confirmed: %(type)s, %(when)s"),
    "rescheduled": lambda: _("Appointment moved: %(type)s, %(when)s"),
    "cancelled": lambda: _("Appointment cancelled: %(type)s, %(when)s"),
    "reminder_day": lambda: _("Reminder: %(type)s tomorrow, %(when)s"),
    "reminder_hour": lambda: _("Reminder: %(type)s in one hour, %(when)s"),
}


def customer_email(customer: Customer) -> str:
    if customer.user_id and customer.user.email:
        return customer.user.email
    found = customer.identities.filter(kind=IdentityKind.EMAIL).order_by("-is_primary", "id").first()
    return found.value if found else ""


def invitation_of(appointment: Appointment) -> Invitation:
    host = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">") or "atiende.invalid"
    customer = appointment.customer
    return Invitation(
        uid=f"appointment-{appointment.pk}@{host}", sequence=appointment.sequence, start=appointment.start,
        end=appointment.end, time_zone=appointment.time_zone,
        summary=f"{appointment.type.name} · #{appointment.ticket.number}",
        description=f"{appointment.type.get_kind_display()} · {appointment.agent.name} · #{appointment.ticket.number}",
        organizer_email=appointment.agent.email, organizer_name=appointment.agent.name,
        attendees=((customer_email(customer), customer.name), (appointment.agent.email, appointment.agent.name)),
        cancelled=appointment.status == AppointmentStatus.CANCELLED, stamp=appointment.created_at)


def appointment_mail(*, appointment_id: int, event: str) -> int:
    """One mail to the customer and one to the agent; the number sent."""
    appointment = (Appointment.objects.select_related("type", "agent", "ticket", "customer__user")
                   .filter(pk=appointment_id).first())
    if appointment is None or event not in SUBJECTS:
        return 0
    ics = ics_bytes(invitation_of(appointment))
    customer = appointment.customer
    recipients = [(customer_email(customer), customer.language), (appointment.agent.email, appointment.agent.language)]
    sent = 0
    for address, language in recipients:
        if address:
            _message(appointment, event, address, language, ics).send()
            sent += 1
    return sent


def _message(appointment: Appointment, event: str, address: str, language: str, ics: bytes) -> EmailMessage:
    with translation.override(language or settings.LANGUAGE_CODE), timezone.override(appointment.time_zone):
        when = date_format(timezone.localtime(appointment.start), "DATETIME_FORMAT")
        values = {"type": appointment.type.name, "when": when}
        subject = SUBJECTS[event]() % values
        body = "\n".join([
            subject, "",
            _("Ticket: #%(number)s %(subject)s") % {"number": appointment.ticket.number, "subject": appointment.ticket.subject},
            _("With: %(agent)s") % {"agent": appointment.agent.name},
            _("Time zone: %(zone)s") % {"zone": appointment.time_zone}, "",
            _("The attached invitation adds it to your calendar."),
        ])
    message = EmailMessage(subject=" ".join(subject.split()), body=body, from_email=settings.DEFAULT_FROM_EMAIL,
                           to=[address], headers=AUTO_GENERATED_HEADERS)
    method = "CANCEL" if appointment.status == AppointmentStatus.CANCELLED else "REQUEST"
    message.attach("cita.ics", ics, f"text/calendar; method={method}; charset=utf-8")
    return message
