"""Self-service that is measured: requests customers solved themselves (deflections), and the
guided troubleshooters (decision trees) they walk before writing to us."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from atiende.core import clock


class DeflectionSource(models.TextChoices):
    PORTAL = "portal", _("Suggested article in the portal")
    TROUBLESHOOTER = "troubleshooter", _("Guided troubleshooting")
    BOT = "bot", _("First responder bot")


class Deflection(models.Model):
    """A request that was never written: the customer said a suggestion solved it."""

    source = models.CharField(_("source"), max_length=20, choices=DeflectionSource.choices)
    question = models.CharField(_("question"), max_length=300, blank=True)
    language = models.CharField(_("language"), max_length=2, default="es")
    article = models.ForeignKey("kb.Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("article"))
    troubleshooter = models.ForeignKey("Troubleshooter", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+", verbose_name=_("troubleshooter"))
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("customer"))
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_at"], name="deflection_created")]
        verbose_name = _("deflected request")
        verbose_name_plural = _("deflected requests")

    def __str__(self) -> str:
        return f"{self.source} {self.question[:40]}"


class Troubleshooter(models.Model):
    """A decision tree customers walk in the portal ("¿Tu sitio muestra error 500? → …")."""

    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(_("language"), max_length=2, default="es")
    published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("troubleshooter")
        verbose_name_plural = _("troubleshooters")

    def __str__(self) -> str:
        return self.title


class Step(models.Model):
    """One question of a troubleshooter; the first (lowest position) is where customers start."""

    troubleshooter = models.ForeignKey(Troubleshooter, on_delete=models.CASCADE, related_name="steps")
    question = models.CharField(_("question"), max_length=300)
    article = models.ForeignKey("kb.Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("article"))
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.question


class Outcome(models.TextChoices):
    NEXT = "next", _("Go to another step")
    SOLVED = "solved", _("Solved")
    CONTACT = "contact", _("Write to support")


class Answer(models.Model):
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="answers")
    label = models.CharField(_("answer"), max_length=200)
    outcome = models.CharField(_("then"), max_length=10, choices=Outcome.choices, default=Outcome.NEXT)
    # Deleting a step deletes the answers that led to it (an answer leading nowhere is meaningless).
    next_step = models.ForeignKey(Step, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("next step"))
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.CheckConstraint(condition=~Q(outcome="next") | Q(next_step__isnull=False),
                                              name="selfservice_next_needs_step")]

    def __str__(self) -> str:
        return self.label


# --- the first-responder bot ---------------------------------------------------------------------

class BotChannelName(models.TextChoices):
    CHAT = "chat", _("Chat widget")
    WHATSAPP = "whatsapp", _("WhatsApp")
    TELEGRAM = "telegram", _("Telegram")


class BotChannel(models.Model):
    """Whether the first-responder bot answers new conversations on a channel. A channel without a
    row is off: the bot answers nowhere until an administrator turns it on."""

    channel = models.CharField(_("channel"), max_length=20, choices=BotChannelName.choices, unique=True)
    enabled = models.BooleanField(_("answers new conversations"), default=False)

    class Meta:
        ordering = ["channel"]
        verbose_name = _("first responder bot channel")
        verbose_name_plural = _("first responder bot")

    def __str__(self) -> str:
        return self.get_channel_display()


class BotState(models.TextChoices):
    OFFERED = "offered", _("Articles offered, waiting for the customer")
    SOLVED = "solved", _("Solved by an article")
    HANDED_OFF = "handed_off", _("Handed to a person")


class HandOff(models.TextChoices):
    NO_MATCH = "no_match", _("no article matched the question")
    UNHELPFUL = "unhelpful", _("the customer said the articles did not help")
    ASKED = "asked", _("the customer asked for a person")
    UNCLEAR = "unclear", _("the customer's answer was not yes or no")
    AGENT = "agent", _("an agent answered first")


class BotConversation(models.Model):
    """The bot's part in one ticket's conversation: at most one per ticket (a retry or a second
    worker finds it and does nothing again), what it offered, and how it ended."""

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    language = models.CharField(_("language"), max_length=2, default="es")
    question = models.CharField(_("question"), max_length=300, blank=True)
    article_ids = models.JSONField(default=list, blank=True)  # offered, best first
    offer_message_id = models.BigIntegerField(null=True, blank=True)  # the customer answers after it
    unhelpful = models.PositiveSmallIntegerField(default=0)  # answers that were not "yes" so far
    state = models.CharField(_("state"), max_length=12, choices=BotState.choices, default=BotState.OFFERED)
    hand_off = models.CharField(_("handed off because"), max_length=12, choices=HandOff.choices, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("bot conversation")
        verbose_name_plural = _("bot conversations")
        constraints = [models.CheckConstraint(condition=Q(state__in=BotState.values), name="selfservice_bot_state")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.state}"
