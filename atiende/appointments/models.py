"""Appointments customers book with us: the kinds of appointment offered (who gives them, how long,
how many seats) and each booked seat, tied to a ticket; plus agents' absences, which take their
time off the slots.

A training session with several seats is several `Appointment` rows (one per attendee) with the
same type, agent and start and distinct `seat` numbers; the unique constraint on (agent, start,
seat) among booked rows is the database's last word against a double booking (decision 0035)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from atiende.core import clock


class AppointmentKind(models.TextChoices):
    REMOTE = "remote", _("Remote session")
    ON_SITE = "on_site", _("On-site visit")
    INSTALLATION = "installation", _("Installation")
    TRAINING = "training", _("Training session")


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("No-show")


class AppointmentType(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AppointmentKind.choices)
    minutes = models.PositiveSmallIntegerField(_("length (minutes)"))
    seats = models.PositiveSmallIntegerField(_("seats"), default=1, help_text=_("Attendees per session; more than one only for training."))
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+", verbose_name=_("team"))
    agents = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("agents"),
                                    help_text=_("Empty: every member of the team."))
    calendar = models.ForeignKey("sla.Calendar", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("calendar"),
                                 help_text=_("Hours for agents with no shift of their own; empty: Monday to Friday 9:00–18:00."))
    buffer_before = models.PositiveSmallIntegerField(_("buffer before (minutes)"), default=0)
    buffer_after = models.PositiveSmallIntegerField(_("buffer after (minutes)"), default=0)
    min_notice_minutes = models.PositiveIntegerField(_("minimum notice (minutes)"), default=120)
    max_days_ahead = models.PositiveSmallIntegerField(_("bookable up to (days ahead)"), default=60)
    step_minutes = models.PositiveSmallIntegerField(_("slots every (minutes)"), default=30)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("appointment type")
        verbose_name_plural = _("appointment types")

    def __str__(self) -> str:
        return self.name


class Appointment(models.Model):
    type = models.ForeignKey(AppointmentType, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("type"))
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("agent"))
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="appointments")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="appointments")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    # Copied from the type when booked: changing a type does not move what is booked.
    buffer_before = models.PositiveSmallIntegerField(default=0)
    buffer_after = models.PositiveSmallIntegerField(default=0)
    seat = models.PositiveSmallIntegerField(default=1)
    sequence = models.PositiveIntegerField(default=0)  # the invitation's SEQUENCE: raised on each move
    status = models.CharField(_("status"), max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED)
    time_zone = models.CharField(_("time zone"), max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    reminded_day_at = models.DateTimeField(null=True, blank=True)
    reminded_hour_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        constraints = [
            models.UniqueConstraint(fields=["agent", "start", "seat"], name="appointment_one_per_seat",
                                    condition=models.Q(status="booked")),
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="appointment_ends_after_start"),
        ]
        indexes = [
            models.Index(fields=["agent", "start"], name="appointment_agent_start"),
            models.Index(fields=["start"], name="appointment_booked_start", condition=models.Q(status="booked")),
        ]

    def __str__(self) -> str:
        return f"{self.type_id}@{self.start:%Y-%m-%d %H:%M}"


class Absence(models.Model):
    """Time an agent is away (leave, training, a doctor's visit): no appointments then."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("agent"))
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["start"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="absence_ends_after_start")]
        indexes = [models.Index(fields=["agent", "end"], name="absence_agent_end")]

    def __str__(self) -> str:
        return f"{self.agent_id}:{self.start:%Y-%m-%d}"
