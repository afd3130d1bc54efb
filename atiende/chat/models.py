"""The live chat widget: the sites that embed it and the conversations visitors open there.

A `ChatSite` is one company web site: the origins its pages are served from (the widget's
requests and websocket must come from one of them), the secret that signs a signed-in visitor's
email (`identity_hash`, encrypted at rest with `core.crypto`), the team whose agents answer, and
how many chats an agent may hold at once. A `ChatSession` is one visitor's conversation: its
ticket (through the channel port's thread key, the session's public id), its state, the agent
holding it, and the page the visitor is on."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from atiende.accounts.models import Team, User
from atiende.core import clock
from atiende.core.crypto import EncryptedTextField
from atiende.sla.models import Calendar
from atiende.tickets.models import Ticket


class ChatSite(models.Model):
    name = models.CharField(_("name"), max_length=120)
    key = models.CharField(_("site key"), max_length=40, unique=True,
                           help_text=_("Public: goes in the script tag of the site's pages."))
    allowed_origins = models.JSONField(_("allowed origins"), default=list, blank=True,
                                       help_text=_("Where the site's pages are served from, e.g. https://www.example.com."))
    identity_secret = EncryptedTextField(_("identity secret"), blank=True,
                                         help_text=_("Signs the email of visitors signed in on the site (HMAC-SHA256)."))
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("team that answers"))
    calendar = models.ForeignKey(Calendar, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("business hours"),
                                 help_text=_("Outside these hours the widget says when a person will answer."))
    max_chats_per_agent = models.PositiveSmallIntegerField(_("chats per agent at once"), default=3)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("chat site")
        verbose_name_plural = _("chat sites")
        ordering = ["name", "pk"]
        constraints = [models.CheckConstraint(condition=models.Q(max_chats_per_agent__gte=1), name="chat_site_cap_positive")]

    def __str__(self) -> str:
        return self.name


class SessionState(models.TextChoices):
    QUEUED = "queued", _("Waiting for an agent")
    ACTIVE = "active", _("With an agent")
    ENDED = "ended", _("Ended")


class ChatSession(models.Model):
    site = models.ForeignKey(ChatSite, on_delete=models.CASCADE, related_name="sessions")
    public_id = models.CharField(max_length=40, unique=True)  # in URLs and the thread key
    token_sha256 = models.CharField(max_length=64)  # the visitor's bearer token, hashed
    visitor_id = models.CharField(max_length=64)  # the `chat` identity when the site proved no email
    name = models.CharField(_("name"), max_length=120, blank=True)
    email = models.EmailField(_("email"), blank=True)
    email_verified = models.BooleanField(_("email proved by the site"), default=False)
    language = models.CharField(_("language"), max_length=10, default="es-mx")
    ticket = models.ForeignKey(Ticket, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=SessionState.choices, default=SessionState.QUEUED)
    agent = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("agent"))
    page_url = models.CharField(_("visitor's page"), max_length=2000, blank=True)
    page_title = models.CharField(_("page title"), max_length=300, blank=True)
    offline = models.BooleanField(_("opened while nobody was available"), default=False)
    visitor_read_id = models.BigIntegerField(default=0)  # newest message the visitor has seen
    agent_read_id = models.BigIntegerField(default=0)  # newest visitor message an agent has seen
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    visitor_seen_at = models.DateTimeField(default=clock.now)  # last socket frame or poll

    class Meta:
        verbose_name = _("chat session")
        verbose_name_plural = _("chat sessions")
        indexes = [models.Index(fields=["state", "created_at"]), models.Index(fields=["agent", "state"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(state__in=SessionState.values), name="chat_session_known_state"),
            models.CheckConstraint(condition=~models.Q(state="active") | models.Q(agent__isnull=False),
                                   name="chat_session_active_has_agent"),
        ]

    def __str__(self) -> str:
        return self.public_id
