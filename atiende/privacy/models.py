"""The privacy notice (aviso de privacidad), who was shown which version, and retention rules
(docs/decisions/0048-privacy-notice-and-retention.md)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from atiende.core import clock


class PrivacyNotice(models.Model):
    """One published version of the notice. Versions are never edited: publishing a change adds
    the next version, so what a customer accepted can always be shown again as it was."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    body_es = models.TextField(_("text (Spanish)"))
    body_en = models.TextField(_("text (English)"), blank=True)
    published_at = models.DateTimeField(_("published at"), default=clock.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("published by"))

    class Meta:
        ordering = ["-version"]
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")
        constraints = [models.CheckConstraint(condition=models.Q(version__gte=1), name="privacy_notice_version_positive")]

    def __str__(self) -> str:
        return f"v{self.version} {self.published_at:%Y-%m-%d}"


class NoticeMoment(models.TextChoices):
    SIGNUP = "signup", _("At sign-up")
    PORTAL = "portal", _("Signing in to the portal")


class NoticeAcceptance(models.Model):
    """A customer was shown this version of the notice and went on (signed up, or pressed "I
    have read it" at sign-in): once per person and version."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    notice = models.ForeignKey(PrivacyNotice, on_delete=models.PROTECT, related_name="acceptances")
    moment = models.CharField(_("when"), max_length=10, choices=NoticeMoment.choices)
    accepted_at = models.DateTimeField(_("accepted at"), default=clock.now)

    class Meta:
        verbose_name = _("privacy notice acceptance")
        verbose_name_plural = _("privacy notice acceptances")
        constraints = [models.UniqueConstraint(fields=["user", "notice"], name="privacy_acceptance_once")]

    def __str__(self) -> str:
        return f"{self.user_id} v{self.notice_id}"


class RetentionUnit(models.TextChoices):
    DAYS = "days", _("days")
    YEARS = "years", _("years")


class RetentionRule(models.Model):
    """How long one kind of data (a key of core.retention.KINDS) is kept. No row, or a row not
    enabled: kept forever (nothing is deleted until the admin sets a rule)."""

    kind = models.CharField(_("kind of data"), max_length=40, unique=True)
    enabled = models.BooleanField(_("enabled"), default=False)
    amount = models.PositiveIntegerField(_("keep for"), default=1)
    unit = models.CharField(_("unit"), max_length=5, choices=RetentionUnit.choices, default=RetentionUnit.YEARS)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gte=1), name="retention_amount_positive")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.amount} {self.unit}"
