"""Satisfaction surveys (CSAT): one per solved episode of a ticket."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from atiende.core import clock
from atiende.customers.models import Segment


class SurveySettings(models.Model):
    """The workspace's survey rules: one row (pk 1), created on first read."""

    enabled = models.BooleanField(_("send satisfaction surveys"), default=True)
    delay_minutes = models.PositiveIntegerField(
        _("delay (minutes)"), null=True, blank=True, validators=[MaxValueValidator(60 * 24 * 30)],
        help_text=_("How long after a ticket is solved the survey goes out; empty for the default."),
    )

    class Meta:
        verbose_name = _("survey settings")
        verbose_name_plural = _("survey settings")

    def __str__(self) -> str:
        return str(_("Survey settings"))


class SurveyState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    SENT = "sent", _("Sent")
    ANSWERED = "answered", _("Answered")
    CANCELLED = "cancelled", _("Cancelled")


class Survey(models.Model):
    """The question "how did we do?" about one solved episode of a ticket.

    Scheduled when the ticket is solved; sent after the delay if it is still solved (cancelled
    when it is reopened first); the agent and team are frozen when it is sent, so a later
    reassignment does not move the credit. A second answer replaces the first."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+", verbose_name=_("ticket"))
    episode = models.PositiveIntegerField(_("episode"))
    state = models.CharField(_("state"), max_length=10, choices=SurveyState.choices, default=SurveyState.SCHEDULED)
    channel = models.CharField(_("channel"), max_length=10, blank=True, help_text=_("Where it was sent."))
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("agent"))
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("team"))
    due_at = models.DateTimeField(_("due at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True,
                                              validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("comment"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "episode"], name="survey_once_per_episode"),
            models.CheckConstraint(name="survey_rating_1_to_5",
                                   condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5)),
            models.CheckConstraint(name="survey_answered_has_rating",
                                   condition=~models.Q(state="answered") | models.Q(rating__isnull=False)),
        ]
        indexes = [
            models.Index(fields=["state", "due_at"], name="survey_state_due"),
            models.Index(fields=["rating", "-answered_at"], name="survey_rating_answered",
                         condition=models.Q(rating__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}#{self.episode}:{self.state}"


class NpsAudience(models.TextChoices):
    ALL = "all", _("All customers")
    SEGMENT = "segment", _("A segment")
    PLAN = "plan", _("A support plan")


class NpsSettings(models.Model):
    """Who is asked the loyalty question (NPS) and how many of them: one row (pk 1)."""

    enabled = models.BooleanField(_("send NPS surveys"), default=False)
    audience = models.CharField(_("ask"), max_length=10, choices=NpsAudience.choices, default=NpsAudience.ALL)
    segment = models.CharField(_("segment"), max_length=16, blank=True,
                               choices=[("", "—"), *Segment.choices])
    plan = models.ForeignKey("customers.SupportPlan", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("support plan"))
    sample_percent = models.PositiveSmallIntegerField(
        _("sample (%)"), default=100, validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("The share of the chosen customers asked in each period."),
    )

    class Meta:
        verbose_name = _("NPS settings")
        verbose_name_plural = _("NPS settings")

    def __str__(self) -> str:
        return str(_("NPS settings"))


class NpsState(models.TextChoices):
    SENT = "sent", _("Sent")
    ANSWERED = "answered", _("Answered")


class NpsSurvey(models.Model):
    """"How likely are you to recommend us?" (0–10) asked of one contact in one period.

    A contact is asked at most once per period (`cycle`: the number of NPS_INTERVAL_DAYS periods
    since the epoch; unique with the contact, so a pass run twice sends once) and at most once in
    NPS_INTERVAL_DAYS. A second answer replaces the first."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("customer"))
    cycle = models.PositiveIntegerField(_("period"))
    state = models.CharField(_("state"), max_length=10, choices=NpsState.choices, default=NpsState.SENT)
    channel = models.CharField(_("channel"), max_length=10, default="email")
    sent_at = models.DateTimeField(_("sent at"), default=clock.now)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True,
                                             validators=[MinValueValidator(0), MaxValueValidator(10)])
    comment = models.TextField(_("reason"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("NPS survey")
        verbose_name_plural = _("NPS surveys")
        constraints = [
            models.UniqueConstraint(fields=["customer", "cycle"], name="nps_once_per_period"),
            models.CheckConstraint(name="nps_score_0_to_10",
                                   condition=models.Q(score__isnull=True) | models.Q(score__lte=10)),
            models.CheckConstraint(name="nps_answered_has_score",
                                   condition=~models.Q(state="answered") | models.Q(score__isnull=False)),
        ]
        indexes = [
            models.Index(fields=["customer", "-sent_at"], name="nps_customer_sent"),
            models.Index(fields=["answered_at"], name="nps_answered", condition=models.Q(score__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}@{self.cycle}:{self.state}"
