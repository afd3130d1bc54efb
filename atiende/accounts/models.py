from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from atiende.core import clock


class UserKind(models.TextChoices):
    AGENT = "agent", _("Agent")
    CUSTOMER = "customer", _("Customer")
    # The product itself acting (SLA, mail, automation): one row per part, never signs in
    # (accounts.services.system_actor).
    SYSTEM = "system", _("System")


class Role(models.TextChoices):
    """An agent's role. Customers have no role."""

    ADMIN = "admin", _("Administrator")
    SUPERVISOR = "supervisor", _("Supervisor")
    AGENT = "agent", _("Agent")
    COLLABORATOR = "collaborator", _("Collaborator")


class UserManager(BaseUserManager["User"]):
    def get_by_natural_key(self, email: str) -> User:
        return self.get(email=normalize_email(email))

    def create_superuser(self, email: str, password: str, **extra) -> User:
        """Used by `atiende createsuperuser`: an admin agent."""
        from .services import agent_create

        return agent_create(email=email, name=extra.get("name") or email, role=Role.ADMIN, password=password)


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


class User(AbstractBaseUser, PermissionsMixin):
    """Everyone who signs in. `kind` tells agents from customers (see docs/decisions)."""

    email = models.EmailField(_("email"), max_length=254, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=UserKind.choices)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, blank=True)
    language = models.CharField(_("preferred language"), max_length=10, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=clock.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    _team_ids: list[int]  # not a column: accounts.selectors.team_ids_of's cache for one request

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="user_role_only_for_agents",
                condition=(models.Q(kind="agent") & ~models.Q(role=""))
                | (models.Q(kind__in=["customer", "system"]) & models.Q(role="")),
            ),
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]
        indexes = [
            # The agent pickers list ~100 agents by name among hundreds of thousands of customers.
            models.Index(fields=["name", "id"], condition=models.Q(kind="agent"), name="user_agent_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def is_agent(self) -> bool:
        return self.kind == UserKind.AGENT

    @property
    def is_customer(self) -> bool:
        return self.kind == UserKind.CUSTOMER

    @property
    def is_staff(self) -> bool:
        """Django admin is for configuration: administrators only."""
        return self.is_active and self.kind == UserKind.AGENT and self.role == Role.ADMIN


class Team(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField(User, related_name="teams", blank=True, verbose_name=_("members"))
    escalation_team = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("next-tier team")
    )
    email_signature = models.TextField(_("email signature"), blank=True, help_text=_("Ends every email reply."))

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once.

    `password_stamp` is a keyed digest of the owner's password hash when the token was issued:
    once the password changes, by whatever path, the token no longer matches and is refused."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100, blank=True)
    password_stamp = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user.email} · {self.created_at:%Y-%m-%d}"
