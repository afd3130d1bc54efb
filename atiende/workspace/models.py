from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from atiende.core import clock


class InboxSort(models.TextChoices):
    UPDATED = "updated", _("Last updated")
    CREATED = "created", _("Created")
    PRIORITY = "priority", _("Priority")
    SLA = "sla", _("Next SLA deadline")


class SavedView(models.Model):
    """An agent's own inbox view: a named set of filters and an order. Only its owner sees it.

    `filters` holds the validated query parameters (`{"status": ["open"], "team": ["3"]}`), the
    same shape the inbox reads from its URL, so a view is exactly a bookmarked filter."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views", verbose_name=_("owner")
    )
    name = models.CharField(_("name"), max_length=80)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    ordering = models.CharField(_("order"), max_length=10, choices=InboxSort.choices, default=InboxSort.UPDATED)
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="saved_view_unique_name_per_owner")]

    def __str__(self) -> str:
        return self.name
