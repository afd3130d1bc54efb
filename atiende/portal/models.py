from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from atiende.core import clock


class PendingSignup(models.Model):
    """A portal sign-up waiting for its email address to be confirmed.

    Nothing about any account changes until the link in the confirmation mail is used, so
    nobody can claim an address (and its tickets) they cannot read mail at. The password is
    kept only as a hash, like `User.password`. Confirming deletes the row: the link works once.
    """

    email = models.EmailField(_("email"), max_length=254, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    password = models.CharField(max_length=128)
    language = models.CharField(max_length=10, blank=True)
    nonce = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("pending sign-up")
        verbose_name_plural = _("pending sign-ups")

    def __str__(self) -> str:
        return self.email
