"""Phone calls: logged by agents, or followed live from a telephony system's caller-id events.

A call's summary becomes a phone message on a ticket (the customer's own, through the inbound
port, or an agent's on the ticket they chose); the call row keeps what the timeline does not:
the telephony system's id, the state it was last reported in, and who took it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from atiende.core import clock


class Direction(models.TextChoices):
    INBOUND = "inbound", _("Inbound")
    OUTBOUND = "outbound", _("Outbound")


class Outcome(models.TextChoices):
    ANSWERED = "answered", _("Answered")
    MISSED = "missed", _("Missed")
    VOICEMAIL = "voicemail", _("Voicemail")
    NO_ANSWER = "no_answer", _("No answer")
    BUSY = "busy", _("Busy")


class CallState(models.TextChoices):
    """Where a call reported by the telephony system stands (a call logged by hand is ended)."""

    RINGING = "ringing", _("Ringing")
    ANSWERED = "answered", _("In progress")
    ENDED = "ended", _("Ended")


class TelephonySystem(models.Model):
    """A PBX or cloud telephony account allowed to send caller-id events. Its token is shown
    once when created and kept only as a SHA-256 hash (it is random and long, so a plain hash
    is enough: nothing to guess, nothing to brute-force)."""

    name = models.CharField(_("name"), max_length=120)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_hint = models.CharField(_("token starts with"), max_length=8, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("telephony system")
        verbose_name_plural = _("telephony systems")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Call(models.Model):
    phone = models.CharField(_("phone"), max_length=32, help_text=_("The customer's number, E.164."))
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    state = models.CharField(_("state"), max_length=10, choices=CallState.choices, default=CallState.ENDED)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    started_at = models.DateTimeField(_("started at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("customer"))
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("agent"))
    ticket = models.ForeignKey("tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    message = models.ForeignKey("tickets.Message", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("message"))
    system = models.ForeignKey(TelephonySystem, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="calls", verbose_name=_("telephony system"))
    external_id = models.CharField(_("call id"), max_length=255, help_text=_("The telephony system's id of the call."))
    extension = models.CharField(_("extension"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["external_id"], name="call_external_id_unique"),
            models.CheckConstraint(condition=models.Q(direction__in=["inbound", "outbound"]), name="call_direction_known"),
            models.CheckConstraint(condition=models.Q(state__in=["ringing", "answered", "ended"]), name="call_state_known"),
        ]
        indexes = [models.Index(fields=["phone", "-started_at"], name="call_phone_started"),
                   models.Index(fields=["state", "-started_at"], name="call_state_started")]

    def __str__(self) -> str:
        return f"{self.direction} {self.phone}"


class CallEvent(models.Model):
    """One caller-id event taken in: the same (call id, event) twice is taken in once."""

    system = models.ForeignKey(TelephonySystem, on_delete=models.CASCADE, related_name="+")
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="events")
    event = models.CharField(max_length=10, choices=CallState.choices)
    received_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("call event")
        verbose_name_plural = _("call events")
        constraints = [models.UniqueConstraint(fields=["call", "event"], name="call_event_once")]

    def __str__(self) -> str:
        return f"{self.call_id}:{self.event}"
