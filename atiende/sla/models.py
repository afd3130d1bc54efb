from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from atiende.core import clock


class Calendar(models.Model):
    """A business calendar: weekly hours in a time zone, holidays and closures.

    The arithmetic lives in `atiende.sla.calendar`; `hours` is its JSON form
    (`{"mon": [["09:00", "18:00"]], …}`), validated by services before it is stored.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="America/Mexico_City")
    hours = models.JSONField(_("weekly hours"))
    holidays = models.CharField(
        _("public holidays"), max_length=2, blank=True, help_text=_("Country code, e.g. MX; empty for none.")
    )
    closures = models.JSONField(_("closures"), default=list, blank=True, help_text=_("Dates the team is closed."))
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self) -> str:
        return self.name


MAX_TARGET_MINUTES = 366 * 24 * 60


class Metric(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    NEXT_RESPONSE = "next_response", _("Next response")
    RESOLUTION = "resolution", _("Resolution")


class Policy(models.Model):
    """Service-level targets for the tickets its conditions match; the first active match wins.

    An empty condition matches everything, so a policy with none is a catch-all.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.PositiveIntegerField(_("position"), default=0, help_text=_("Lower positions are tried first."))
    active = models.BooleanField(_("active"), default=True)
    support_plans = models.ManyToManyField(
        "customers.SupportPlan", blank=True, related_name="+", verbose_name=_("support plans")
    )
    segments = models.JSONField(_("segments"), default=list, blank=True)
    priorities = models.JSONField(_("priorities"), default=list, blank=True)
    types = models.JSONField(_("types"), default=list, blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    organizations = models.ManyToManyField(
        "customers.Organization", blank=True, related_name="+", verbose_name=_("organizations")
    )
    # Ticket facts the policy asks for (atiende/tickets/facts.py): {"warranty": ["standard", ...]}.
    facts = models.JSONField(_("ticket facts"), default=dict, blank=True)
    warn_at_percent = models.PositiveSmallIntegerField(
        _("warn at (%)"), null=True, blank=True, default=75, validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text=_("Share of a target's time after which the ticket is about to breach; empty for no warning."),
    )
    notify_on_warning = models.BooleanField(_("notify when about to breach"), default=True)
    notify_on_breach = models.BooleanField(_("notify on breach"), default=True)
    escalate_on_breach = models.BooleanField(
        _("escalate on breach"), default=False, help_text=_("Move the ticket to its team's next-tier team.")
    )
    raise_priority_on_breach = models.BooleanField(_("raise the priority on breach"), default=False)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")

    def __str__(self) -> str:
        return self.name


class Target(models.Model):
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="targets")
    metric = models.CharField(_("metric"), max_length=20, choices=Metric.choices)
    minutes = models.PositiveIntegerField(
        _("business minutes"), validators=[MinValueValidator(1), MaxValueValidator(MAX_TARGET_MINUTES)]
    )
    calendar = models.ForeignKey(Calendar, on_delete=models.PROTECT, related_name="+", verbose_name=_("calendar"))

    class Meta:
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        constraints = [models.UniqueConstraint(fields=["policy", "metric"], name="sla_target_one_per_metric")]

    def __str__(self) -> str:
        return f"{self.policy_id}:{self.metric}"


class ClockState(models.TextChoices):
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    STOPPED = "stopped", _("Stopped")


class Result(models.TextChoices):
    MET = "met", _("Met")
    BREACHED = "breached", _("Breached")
    CANCELLED = "cancelled", _("No longer applies")


class Clock(models.Model):
    """One SLA target being timed on one ticket.

    Business minutes already used are kept in `elapsed_minutes`; while running, the time since
    `running_since` adds to them and `due_at` / `warn_at` say when the target is missed / close.
    A next-response clock is started again after each agent reply, so a ticket may have several.
    """

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="sla_clocks")
    policy = models.ForeignKey(Policy, null=True, on_delete=models.SET_NULL, related_name="clocks")
    metric = models.CharField(_("metric"), max_length=20, choices=Metric.choices)
    calendar = models.ForeignKey(Calendar, on_delete=models.PROTECT, related_name="+")
    target_minutes = models.PositiveIntegerField(_("target (business minutes)"))
    state = models.CharField(_("state"), max_length=10, choices=ClockState.choices, default=ClockState.RUNNING)
    started_at = models.DateTimeField(_("started at"))
    running_since = models.DateTimeField(null=True, blank=True)
    elapsed_minutes = models.FloatField(default=0)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    warn_at = models.DateTimeField(null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    business_minutes = models.FloatField(_("business minutes taken"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, blank=True)

    class Meta:
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        indexes = [
            models.Index(fields=["ticket", "metric"], name="sla_clock_ticket_metric"),
            # The breach scan reads only these two small ranges, never the whole table.
            models.Index(
                fields=["due_at"], name="sla_clock_due_pending",
                condition=models.Q(state="running", breached_at__isnull=True),
            ),
            models.Index(
                fields=["warn_at"], name="sla_clock_warn_pending",
                condition=models.Q(state="running", warned_at__isnull=True, breached_at__isnull=True),
            ),
            models.Index(fields=["stopped_at"], name="sla_clock_stopped", condition=models.Q(state="stopped")),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}:{self.metric}"
