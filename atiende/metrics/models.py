"""Ticket outcomes and the metric event record.

`MetricEvent` is append-only: one row per thing that happened to a ticket that a figure counts
(created, replies, status changes, solved, reopened, a survey answered), written by
`hooks.MetricHooks` inside the change's transaction and never changed afterwards. Reports read
it, not the ticket's current state, so a figure for last month stays what it was."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from atiende.core import clock


class OutcomeKind(models.TextChoices):
    SOLVED = "solved", _("Solved")
    WORKAROUND = "workaround", _("Solved with a workaround")
    NOT_SOLVED = "not_solved", _("Not solved")


# The outcomes that count as a problem solved (really solved, first-contact resolution).
SOLVING_OUTCOMES = frozenset({OutcomeKind.SOLVED, OutcomeKind.WORKAROUND})


class OutcomeReason(models.Model):
    """Why a ticket was not solved: a list the administrators edit."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("reason for not solving")
        verbose_name_plural = _("reasons for not solving")

    def __str__(self) -> str:
        return self.name


class OutcomeSettings(models.Model):
    """The workspace's outcome rules: one row (pk 1), created on first read."""

    outcome_required = models.BooleanField(
        _("outcome required"), default=True,
        help_text=_("Agents must say how a ticket ended (solved, workaround, not solved) when they solve it."),
    )

    class Meta:
        verbose_name = _("outcome settings")
        verbose_name_plural = _("outcome settings")

    def __str__(self) -> str:
        return str(_("Outcome settings"))


class TicketOutcome(models.Model):
    """How one solved episode of a ticket ended (a reopened and re-solved ticket has two)."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+", verbose_name=_("ticket"))
    episode = models.PositiveIntegerField(_("episode"), help_text=_("1 for the first time the ticket was solved."))
    kind = models.CharField(_("outcome"), max_length=12, choices=OutcomeKind.choices)
    reason = models.ForeignKey(OutcomeReason, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("reason"))
    asset = models.ForeignKey("assets.Asset", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("product or asset"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("given by"))
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        ordering = ["ticket", "episode"]
        verbose_name = _("ticket outcome")
        verbose_name_plural = _("ticket outcomes")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "episode"], name="outcome_once_per_episode"),
            models.CheckConstraint(
                name="outcome_reason_iff_not_solved",
                condition=models.Q(kind="not_solved", reason__isnull=False) | (
                    ~models.Q(kind="not_solved") & models.Q(reason__isnull=True)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}#{self.episode}:{self.kind}"


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    FIRST_REPLY = "first_reply", _("First reply")
    REPLY = "reply", _("Agent reply")
    CUSTOMER_REPLY = "customer_reply", _("Customer reply")
    STATUS_CHANGED = "status_changed", _("Status changed")
    SOLVED = "solved", _("Solved")
    REOPENED = "reopened", _("Reopened")
    SURVEY_ANSWERED = "survey_answered", _("Survey answered")


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[override]
        raise TypeError("Metric events are never changed.")

    def delete(self):  # type: ignore[override]
        raise TypeError("Metric events are never deleted (they go with their ticket).")


class MetricEvent(models.Model):
    """One immutable fact about a ticket, with the durations a figure needs.

    `agent` is the person credited (a human agent: never a system actor, never an automatic
    reply); `automatic` marks what the product did on its own (a rule solving a ticket).
    Durations: `first_reply` and `solved` from the ticket's creation; `reply` from the customer's
    message it answers; `reopened` from the solve it undoes. Business seconds count the open
    hours of the ticket's SLA calendar (null without one)."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    at = models.DateTimeField(_("when"))
    episode = models.PositiveIntegerField(_("episode"), default=0, help_text=_("Solved episodes before or at this event."))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    automatic = models.BooleanField(_("automatic"), default=False)
    team_id_then = models.PositiveIntegerField(_("team"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=10, blank=True)
    status_from = models.CharField(_("from status"), max_length=20, blank=True)
    status_to = models.CharField(_("to status"), max_length=20, blank=True)
    calendar_seconds = models.PositiveBigIntegerField(_("calendar seconds"), null=True, blank=True)
    business_seconds = models.PositiveBigIntegerField(_("business seconds"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, blank=True)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("metric event")
        verbose_name_plural = _("metric events")
        indexes = [
            models.Index(fields=["ticket", "at"], name="metric_event_ticket_at"),
            models.Index(fields=["kind", "at"], name="metric_event_kind_at"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}:{self.kind}@{self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise TypeError("Metric events are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[override]
        raise TypeError("Metric events are never deleted (they go with their ticket).")


# What the reports group by: the backlog index carries them all (reporting/summary.py).
BACKLOG_GROUP_COLUMNS = ["team_id", "agent_id", "channel", "organization_id", "segment", "plan_id", "product_id",
                         "outcome"]


class TicketFact(models.Model):
    """One row per ticket: what the reports count about it, kept current by the event record.

    Rewritten from the ticket's `MetricEvent`s (and its current team, agent, organization and SLA
    clocks) every time an event is written or those fields change: never by a nightly batch.
    Percentiles cannot be summed, so reports do not store per-day totals: they read these rows
    for the dates asked (indexed by each moment they are counted on) and compute every figure from
    them (docs/decisions/0043-report-rows.md). Moments are Unix seconds (`*_epoch`): a month's
    rows load several times faster as integers than as timestamps. Dimensions are plain ids, not
    foreign keys: a deleted team leaves its history."""

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE, primary_key=True, related_name="+")
    created_epoch = models.BigIntegerField()
    channel = models.CharField(max_length=10, blank=True)
    team_id = models.PositiveIntegerField(null=True, blank=True)
    agent_id = models.PositiveIntegerField(null=True, blank=True)
    organization_id = models.PositiveIntegerField(null=True, blank=True)
    segment = models.CharField(max_length=16, blank=True)
    plan_id = models.PositiveIntegerField(null=True, blank=True)
    product_id = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=12, blank=True)  # of the last solve
    first_reply_epoch = models.BigIntegerField(null=True, blank=True)
    first_reply_seconds = models.PositiveBigIntegerField(null=True, blank=True)
    first_reply_business_seconds = models.PositiveBigIntegerField(null=True, blank=True)
    solved_epoch = models.BigIntegerField(null=True, blank=True)  # the last solve
    solve_seconds = models.PositiveBigIntegerField(null=True, blank=True)
    solve_business_seconds = models.PositiveBigIntegerField(null=True, blank=True)
    reopens = models.PositiveIntegerField(default=0)
    open_again = models.BooleanField(default=False)  # reopened after its last solve
    first_contact = models.BooleanField(default=False)  # history.first_contact_resolution
    negative_answer = models.BooleanField(default=False)  # the last solve's episode rated ≤ 2
    rating = models.PositiveSmallIntegerField(null=True, blank=True)  # the last answer
    rated_epoch = models.BigIntegerField(null=True, blank=True)
    sla_met = models.PositiveSmallIntegerField(default=0)
    sla_breached = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("ticket report row")
        verbose_name_plural = _("ticket report rows")
        indexes = [
            models.Index(fields=["created_epoch"], name="ticket_fact_created"),
            models.Index(fields=["solved_epoch"], name="ticket_fact_solved"),
            models.Index(fields=["first_reply_epoch"], name="ticket_fact_first_reply"),
            models.Index(fields=["rated_epoch"], name="ticket_fact_rated"),
            # The backlog at a moment is mostly the tickets still open (never solved, or solved and
            # open again: a small set spread over the whole table); carrying every group column
            # lets the reports read it from this index alone.
            models.Index(fields=["created_epoch"], include=BACKLOG_GROUP_COLUMNS,
                         condition=models.Q(solved_epoch__isnull=True) | models.Q(open_again=True),
                         name="ticket_fact_open"),
        ]

    def __str__(self) -> str:
        return f"facts of {self.ticket_id}"
