"""Second factor, its requirement per role, and the signed-in sessions of staff users."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

from atiende.core import clock
from atiende.core.crypto import EncryptedTextField


class TotpDevice(Device):
    """An authenticator app's TOTP secret (RFC 6238: SHA-1, 6 digits, 30 s), one per user.

    django-otp's own TOTPDevice keeps the key as plain hex; this one keeps it encrypted at rest
    (core.crypto, decision 0016) and counts wrong codes in the sign-in throttle instead of on the
    row (decision 0040). `confirmed` turns true once a code from the app was accepted."""

    key = EncryptedTextField()  # hex, 20 random bytes
    last_t = models.BigIntegerField(default=-1)  # the time step of the last accepted code: no replay
    created_at = models.DateTimeField(default=clock.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta(Device.Meta):
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")
        constraints = [models.UniqueConstraint(fields=["user"], name="signin_one_totp_device_per_user")]


class RecoveryCode(models.Model):
    """A one-time recovery code: only its SHA-256 is stored (the code carries 80 random bits, so
    a fast hash is enough); `used_at` is set once, under a conditional update."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes")
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=clock.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        constraints = [models.UniqueConstraint(fields=["user", "digest"], name="signin_recovery_code_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.created_at:%Y-%m-%d}"


class TwoFactorPolicy(models.Model):
    """Which staff roles must use a second factor: one row (id 1), written by
    `services.policy_update` from the workspace's security page."""

    require_admin = models.BooleanField(_("administrators must use two-step verification"), default=False)
    require_supervisor = models.BooleanField(_("supervisors must use two-step verification"), default=False)
    require_agent = models.BooleanField(_("agents must use two-step verification"), default=False)
    updated_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        verbose_name = _("two-step verification policy")
        verbose_name_plural = _("two-step verification policy")
        constraints = [models.CheckConstraint(name="signin_policy_single_row", condition=models.Q(id=1))]

    def __str__(self) -> str:
        return str(_("Two-step verification policy"))


class SignedInSession(models.Model):
    """One signed-in browser session of a staff user, so they can see and end it. Rows are made
    and touched by `SessionTrackingMiddleware`; the session itself lives in SESSION_ENGINE."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions")
    session_key = models.CharField(max_length=64, unique=True)
    user_agent = models.CharField(max_length=300, blank=True)
    ip = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    last_seen_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")
        indexes = [models.Index(fields=["user", "-last_seen_at"], name="signin_session_user_seen")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.ip}"
