"""Triggers (run on a ticket event) and time rules (run by the scheduler), and what each did."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from atiende.core import clock
from atiende.tickets.models import Ticket


class Event(models.TextChoices):
    CREATED = "ticket.created", _("Ticket created")
    CUSTOMER_REPLIED = "customer.replied", _("Customer replied")
    AGENT_REPLIED = "agent.replied", _("Agent replied")
    STATUS_CHANGED = "status.changed", _("Status changed")
    PRIORITY_CHANGED = "priority.changed", _("Priority changed")
    TEAM_CHANGED = "team.changed", _("Team changed")
    ASSIGNEE_CHANGED = "assignee.changed", _("Assignee changed")
    TAG_ADDED = "tag.added", _("Tag added")
    SLA_WARNING = "sla.warning", _("SLA warning")
    SLA_BREACHED = "sla.breached", _("SLA breached")
    FACT_CHANGED = "fact.changed", _("Product or warranty changed")  # a ticket fact (tickets/facts.py)
    # The customer answered a satisfaction survey (or changed the answer): the fact "satisfaction".
    SATISFACTION_ANSWERED = "satisfaction.answered", _("Satisfaction survey answered")


class Since(models.TextChoices):
    """The instant a time rule counts from."""

    UPDATED = "updated", _("Last update")
    CREATED = "created", _("Creation")


class Rule(models.Model):
    """What triggers and time rules share: conditions, ordered actions, position, on/off."""

    name = models.CharField(_("name"), max_length=100)
    active = models.BooleanField(_("active"), default=True)
    position = models.IntegerField(_("position"), default=0)
    conditions = models.JSONField(_("conditions"), default=dict, blank=True)
    actions = models.JSONField(_("actions"), default=list)
    problem = models.CharField(
        _("last problem"), max_length=250, blank=True, help_text=_("Why an action was skipped on its last run.")
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Trigger(Rule):
    event = models.CharField(_("event"), max_length=30, choices=Event.choices)
    stop_processing = models.BooleanField(_("stop processing the rest"), default=False)

    class Meta(Rule.Meta):
        verbose_name = _("trigger")
        verbose_name_plural = _("triggers")
        indexes = [models.Index(fields=["event", "active", "position"], name="trigger_event_active")]

    # Every process keeps its active triggers until the cached version changes (selectors).
    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        from .selectors import triggers_changed

        triggers_changed()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        from .selectors import triggers_changed

        triggers_changed()
        return result


class TimeRule(Rule):
    """Fires once per ticket when, counted in business time, `after_minutes` have passed since `since`.

    `status` narrows the candidates with an index (tickets.ticket_status_updated) before the
    business-time check; conditions are then evaluated over the snapshot like a trigger's."""

    status = models.CharField(_("ticket status"), max_length=20, blank=True)
    since = models.CharField(_("counted from"), max_length=10, choices=Since.choices, default=Since.UPDATED)
    after_minutes = models.PositiveIntegerField(_("after (business minutes)"))
    calendar = models.ForeignKey(
        "sla.Calendar", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("calendar"),
        help_text=_("Empty: count every hour."),
    )
    # The last complete pass: every ticket due by `swept_until` was considered then (at `swept_at`);
    # the next pass reads only what became due or changed since. Reset when the rule is edited.
    swept_until = models.DateTimeField(null=True, blank=True, editable=False)
    swept_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta(Rule.Meta):
        verbose_name = _("time rule")
        verbose_name_plural = _("time rules")


class Outcome(models.TextChoices):
    APPLIED = "applied", _("Applied")
    PARTIAL = "partial", _("Applied with problems")
    STOPPED = "stopped", _("Stopped by the loop guard")


class RuleRun(models.Model):
    """One rule run on one ticket: the per-rule history, and a time rule's once-per-ticket mark."""

    trigger = models.ForeignKey(Trigger, null=True, blank=True, on_delete=models.CASCADE, related_name="runs")
    time_rule = models.ForeignKey(TimeRule, null=True, blank=True, on_delete=models.CASCADE, related_name="runs")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("when"), default=clock.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["trigger", "-created_at"], name="rulerun_trigger"),
            models.Index(fields=["ticket", "created_at"], name="rulerun_ticket"),
        ]
        constraints = [
            # A time rule fires once per ticket: running the pass twice changes nothing.
            models.UniqueConstraint(fields=["time_rule", "ticket"], name="rulerun_time_rule_once"),
        ]

    def __str__(self) -> str:
        return f"{self.trigger_id or self.time_rule_id}:{self.ticket_id}:{self.outcome}"
