from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from atiende.core import clock

DEFAULT_PRIMARY = "#0b5cad"
DEFAULT_ACCENT = "#0b5cad"


def logo_path(instance: Branding, filename: str) -> str:
    # A fresh random name on every upload: the old file is removed after the change commits.
    return f"branding/{uuid.uuid4().hex}"


class Branding(models.Model):
    """The company's name, logo and colours: one row (id 1), written by `services.branding_update`."""

    company_name = models.CharField(_("company name"), max_length=100, blank=True)
    logo = models.FileField(_("logo"), upload_to=logo_path, max_length=200, blank=True,
                            help_text=_("PNG, JPEG or WebP, up to 512 KB."))
    logo_content_type = models.CharField(max_length=20, blank=True, editable=False)
    primary_color = models.CharField(
        _("primary colour"), max_length=7, default=DEFAULT_PRIMARY,
        help_text=_("The header band of the portal, as #rrggbb."),
    )
    accent_color = models.CharField(
        _("accent colour"), max_length=7, default=DEFAULT_ACCENT,
        help_text=_("Buttons and links, as #rrggbb; it must stay readable on a light background."),
    )
    allow_signup = models.BooleanField(
        _("customers may sign up"), default=False,
        help_text=_("Anyone can create a portal account, after confirming their email address."),
    )
    warranty_offer_url = models.URLField(
        _("extended warranty offer"), max_length=500, blank=True,
        help_text=_("The page where customers buy an extended warranty: linked from the reminder sent before a "
                    "product's warranty ends. Empty: the reminder has no link."),
    )
    updated_at = models.DateTimeField(_("updated at"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("branding")
        verbose_name_plural = _("branding")
        constraints = [models.CheckConstraint(name="branding_single_row", condition=models.Q(id=1))]

    def __str__(self) -> str:
        return self.company_name or str(_("Branding"))
