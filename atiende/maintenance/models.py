"""Preventive maintenance plans, the visits the scheduler opens for them (one per plan and day:
a unique constraint, so a second or concurrent pass can never open the same visit twice), and
the warranty expiry reminders (one per asset and coverage end). Decision 0034."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from atiende.core import clock

from .recurrence import Recurrence, Unit


class RecurrenceUnit(models.TextChoices):
    DAY = Unit.DAY, _("Days")
    WEEK = Unit.WEEK, _("Weeks")
    MONTH = Unit.MONTH, _("Months")
    RRULE = Unit.RRULE, _("Calendar rule (RRULE)")


class MaintenancePlan(models.Model):
    """Visits to one asset, or to a whole organization, on a recurrence. `next_due_on` is the next
    visit not opened yet and `opens_on` the day its work opens (`lead_days` before): the
    scheduler reads only plans with `opens_on` reached (an index), not every plan."""

    name = models.CharField(_("name"), max_length=200)
    asset = models.ForeignKey("assets.Asset", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="maintenance_plans", verbose_name=_("asset"))
    organization = models.ForeignKey("customers.Organization", null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="maintenance_plans", verbose_name=_("organization"))
    contact = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("contact"),
                                help_text=_("Who is told and named on the tickets; by default the asset's owner "
                                            "or the organization's admin."))
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+", verbose_name=_("team"))
    unit = models.CharField(_("repeats every"), max_length=8, choices=RecurrenceUnit.choices,
                            default=RecurrenceUnit.MONTH)
    interval = models.PositiveSmallIntegerField(_("interval"), default=1)
    rule = models.CharField(_("RRULE"), max_length=500, blank=True)
    starts_on = models.DateField(_("first visit"))
    lead_days = models.PositiveSmallIntegerField(_("lead time (days)"), default=7)
    checklist = models.JSONField(_("checklist"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)
    next_due_on = models.DateField(_("next visit"), null=True, blank=True)
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("maintenance plan")
        verbose_name_plural = _("maintenance plans")
        constraints = [
            models.CheckConstraint(
                name="maintenance_plan_asset_or_organization",
                condition=models.Q(asset__isnull=False, organization__isnull=True)
                | models.Q(asset__isnull=True, organization__isnull=False)),
            models.CheckConstraint(name="maintenance_plan_interval_positive", condition=models.Q(interval__gte=1)),
        ]
        # The pass reads active plans whose work opens by today: a range scan of this index.
        indexes = [models.Index(fields=["opens_on"], name="maint_plan_opens_idx", condition=models.Q(active=True))]

    def __str__(self) -> str:
        return self.name

    @property
    def recurrence(self) -> Recurrence:
        return Recurrence(self.unit, self.interval, self.starts_on, self.rule)


class VisitStatus(models.TextChoices):
    OPEN = "open", _("Open")
    COMPLETED = "completed", _("Completed")


class MaintenanceVisit(models.Model):
    """One occurrence of a plan, opened as a ticket for the plan's team. `checklist` is the plan's
    template copied when it opened: [{"text", "done", "by", "at"}]; kept when completed, so the
    asset's history shows what was done even after the plan changes."""

    plan = models.ForeignKey(MaintenancePlan, on_delete=models.CASCADE, related_name="visits",
                             verbose_name=_("maintenance plan"))
    due_on = models.DateField(_("due on"))
    ticket = models.ForeignKey("tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("ticket"))
    status = models.CharField(_("status"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.OPEN)
    checklist = models.JSONField(_("checklist"), default=list, blank=True)
    # Earlier visits that came due while the scheduler was down, opened as this one (decision 0034).
    missed = models.JSONField(_("missed visits"), default=list, blank=True)
    opened_at = models.DateTimeField(_("opened at"), default=clock.now)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("completed by"))

    class Meta:
        ordering = ["-due_on", "-id"]
        verbose_name = _("maintenance visit")
        verbose_name_plural = _("maintenance visits")
        constraints = [models.UniqueConstraint("plan", "due_on", name="maintenance_visit_once_per_day")]
        indexes = [models.Index(fields=["ticket"], name="maint_visit_ticket_idx")]

    def __str__(self) -> str:
        return f"{self.plan_id} @ {self.due_on}"


class ReminderOutcome(models.TextChoices):
    SENT = "sent", _("Sent")
    UNREACHABLE = "unreachable", _("No address to send it to")


class WarrantyReminder(models.Model):
    """The one reminder before an asset's coverage ends on `coverage_ends_on`; a new extended
    warranty moves the end, and the new end gets its own reminder."""

    asset = models.ForeignKey("assets.Asset", on_delete=models.CASCADE, related_name="+", verbose_name=_("asset"))
    coverage_ends_on = models.DateField(_("coverage ends on"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=ReminderOutcome.choices)
    recipients = models.JSONField(_("recipients"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("warranty reminder")
        verbose_name_plural = _("warranty reminders")
        constraints = [models.UniqueConstraint("asset", "coverage_ends_on", name="warranty_reminder_once")]

    def __str__(self) -> str:
        return f"{self.asset_id}: {self.coverage_ends_on}"
