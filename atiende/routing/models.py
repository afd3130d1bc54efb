"""Routing: who is available, what they know, where new tickets go, tiers and consultations."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from atiende.core import clock


class Availability(models.TextChoices):
    ONLINE = "online", _("Online")
    AWAY = "away", _("Away")
    OFFLINE = "offline", _("Off shift")


class AgentProfile(models.Model):
    """How routing sees an agent: what they said (online/away/off), their shift and capacity.

    Online means "working my shift": with a shift calendar they are off shift outside its hours."""

    agent = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="routing_profile")
    availability = models.CharField(
        _("availability"), max_length=10, choices=Availability.choices, default=Availability.OFFLINE
    )
    shift = models.ForeignKey(
        "sla.Calendar", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("shift"),
        help_text=_("Outside these hours the agent is off shift and gets no tickets."),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), default=10, validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_("Open tickets the agent may hold before routing passes them by."),
    )
    availability_changed_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("agent routing profile")
        verbose_name_plural = _("agent routing profiles")

    def __str__(self) -> str:
        return str(self.agent_id)


class SkillKind(models.TextChoices):
    LANGUAGE = "language", _("Language")
    SECTOR = "sector", _("Sector")
    PRODUCT = "product", _("Product")
    OTHER = "other", _("Other")


class Skill(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=SkillKind.choices, default=SkillKind.OTHER)
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="routing_skill_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"


MAX_LEVEL = 5


class AgentSkill(models.Model):
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="routing_skills")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="agents")
    level = models.PositiveSmallIntegerField(
        _("level"), default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_LEVEL)]
    )

    class Meta:
        verbose_name = _("agent skill")
        verbose_name_plural = _("agent skills")
        constraints = [
            models.UniqueConstraint(fields=["agent", "skill"], name="routing_agent_skill_unique"),
            models.CheckConstraint(name="routing_agent_skill_level", condition=models.Q(level__gte=1, level__lte=MAX_LEVEL)),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id}:{self.skill_id}={self.level}"


class AssignmentMode(models.TextChoices):
    MANUAL = "manual", _("By hand (no automatic assignment)")
    ROUND_ROBIN = "round_robin", _("Round robin")
    LEAST_LOAD = "least_load", _("Least open tickets")


class Tier(models.IntegerChoices):
    FIRST = 1, _("Tier 1")
    SECOND = 2, _("Tier 2")
    THIRD = 3, _("Tier 3")


class TeamRouting(models.Model):
    """A team's routing settings, and the row locked while one of its tickets is assigned (so two
    arrivals at once never both land on an agent at capacity). The next tier is the team's
    `escalation_team`."""

    team = models.OneToOneField("accounts.Team", on_delete=models.CASCADE, related_name="routing")
    tier = models.PositiveSmallIntegerField(_("tier"), choices=Tier.choices, default=Tier.FIRST)
    mode = models.CharField(_("assignment"), max_length=12, choices=AssignmentMode.choices, default=AssignmentMode.MANUAL)
    calendar = models.ForeignKey(
        "sla.Calendar", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("business calendar"), help_text=_("Consultations asked of this team are due in its business hours."),
    )
    # Round robin's cursor: the agent who got the team's last ticket.
    last_agent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("team routing")
        verbose_name_plural = _("team routing")

    def __str__(self) -> str:
        return str(self.team_id)


class RoutingRule(models.Model):
    """On arrival, the first active rule (by position) whose conditions all hold sends the ticket
    to its team; an empty condition matches anything."""

    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveIntegerField(_("position"), default=100)
    active = models.BooleanField(_("active"), default=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    segments = models.JSONField(_("segments"), default=list, blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    sectors = models.ManyToManyField("customers.Sector", blank=True, related_name="+", verbose_name=_("sectors"))
    plans = models.ManyToManyField("customers.SupportPlan", blank=True, related_name="+", verbose_name=_("support plans"))
    field_key = models.CharField(_("custom field"), max_length=50, blank=True)
    field_value = models.CharField(_("custom field value"), max_length=200, blank=True)
    # Ticket facts the rule asks for (atiende/tickets/facts.py): {"warranty": ["standard", ...]}.
    facts = models.JSONField(_("ticket facts"), default=dict, blank=True)
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+", verbose_name=_("team"))
    skill = models.ForeignKey(
        Skill, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("required skill")
    )
    min_level = models.PositiveSmallIntegerField(
        _("minimum level"), default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_LEVEL)]
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        return self.name


class TicketRouting(models.Model):
    """What routing decided for a ticket: the rule that matched and the skill it needs."""

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE, related_name="routing")
    rule = models.ForeignKey(RoutingRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    skill = models.ForeignKey(Skill, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    min_level = models.PositiveSmallIntegerField(default=1)
    routed_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("ticket routing")
        verbose_name_plural = _("ticket routing")

    def __str__(self) -> str:
        return str(self.ticket_id)


class Escalation(models.Model):
    """A hand-over to the next tier: the team and assignee change, with the reason."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="escalations")
    from_team = models.ForeignKey("accounts.Team", null=True, on_delete=models.SET_NULL, related_name="+")
    to_team = models.ForeignKey("accounts.Team", null=True, on_delete=models.SET_NULL, related_name="+")
    from_assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")

    def __str__(self) -> str:
        return f"{self.ticket_id}:{self.to_team_id}"


class Consultation(models.Model):
    """The "no sé" protocol: an internal question on a ticket, asked of an agent or a team, with
    its own deadline; the asker keeps the ticket, and the answer lands on it as an internal note."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="consultations")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="consultations_asked"
    )
    asked_team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    question = models.TextField(_("question"))
    created_at = models.DateTimeField(default=clock.now)
    due_at = models.DateTimeField(_("due"))
    remind_at = models.DateTimeField()
    promise_at = models.DateTimeField(_("promised to the customer"))
    reminded_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        constraints = [
            models.CheckConstraint(
                name="consultation_asks_someone",
                condition=models.Q(asked_agent__isnull=False) | models.Q(asked_team__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["remind_at"], name="consult_open_remind", condition=models.Q(answered_at__isnull=True)),
            models.Index(fields=["due_at"], name="consult_open_due", condition=models.Q(answered_at__isnull=True)),
            models.Index(fields=["created_at"], name="consult_created"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}:{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None
