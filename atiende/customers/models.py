from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from atiende.core import clock


class Segment(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    PYME = "pyme", _("SMB (PyME)")
    ENTERPRISE = "enterprise", _("Enterprise")


class Sector(models.Model):
    """Seeded by a data migration; admins may add more."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self) -> str:
        return self.name


class SupportPlan(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("support plan")
        verbose_name_plural = _("support plans")

    def __str__(self) -> str:
        return self.name


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    segment = models.CharField(_("segment"), max_length=16, choices=Segment.choices, default=Segment.PYME)
    sector = models.ForeignKey(Sector, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("sector"))
    support_plan = models.ForeignKey(
        SupportPlan, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("support plan")
    )
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_organizations",
        limit_choices_to={"kind": "agent"},
        verbose_name=_("account manager"),
    )
    notes = models.TextField(_("internal notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name


class ContactChannel(models.TextChoices):
    """Where a customer likes to hear from us outside a conversation (notices). Empty: email."""

    EMAIL = "email", _("Email")
    WHATSAPP = "whatsapp", _("WhatsApp")
    TELEGRAM = "telegram", _("Telegram")


class Customer(models.Model):
    """A contact. May sign in (through `user`) or exist only through channel identities."""

    name = models.CharField(_("name"), max_length=200)
    # What they like to be called ("Rosy", "Lic. Hernández"): greetings use it; empty, the first
    # word of their name (a full legal name is not how anyone is greeted).
    preferred_name = models.CharField(_("goes by"), max_length=100, blank=True)
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customers",
        verbose_name=_("organization"),
    )
    is_organization_admin = models.BooleanField(
        _("organization admin"),
        default=False,
        help_text=_("Sees every ticket of the organization."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customer",
        verbose_name=_("login"),
    )
    language = models.CharField(_("preferred language"), max_length=10, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=16, choices=ContactChannel.choices, blank=True,
        help_text=_("Notices go this way when the customer can be reached on it; otherwise by email."))
    notes = models.TextField(_("internal notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    # Set when this profile was merged into another (tickets.CustomerMerge records what moved):
    # the profile stays so that its id still resolves, to the survivor, but is listed nowhere.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_profiles",
        verbose_name=_("merged into"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self) -> str:
        return self.name

    @property
    def greeting_name(self) -> str:
        return self.preferred_name.strip() or (self.name.split() or [""])[0]


class IdentityKind(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    WHATSAPP = "whatsapp", _("WhatsApp")
    TELEGRAM = "telegram", _("Telegram")
    CHAT = "chat", _("Chat visitor")


class Identity(models.Model):
    """One way to reach a customer; each value belongs to one customer only."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField(_("kind"), max_length=16, choices=IdentityKind.choices)
    value = models.CharField(_("value"), max_length=254, help_text=_("Normalized: lower-case email, E.164 phone."))
    is_primary = models.BooleanField(_("primary"), default=False)
    undeliverable = models.BooleanField(_("undeliverable"), default=False)

    class Meta:
        verbose_name = _("identity")
        verbose_name_plural = _("identities")
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="identity_unique_per_kind"),
            models.CheckConstraint(name="identity_value_not_empty", condition=~models.Q(value="")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"
