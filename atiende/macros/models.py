from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from atiende.core import clock


class Macro(models.Model):
    """A saved reply and a bundle of actions an agent applies to a ticket in one step.

    Personal (an `owner`, seen by them only) or a team's (seen by its agents); exactly one of the
    two. `replies` holds the reply per language code of settings.LANGUAGES ({"es-mx": …, "en": …});
    `actions` what it changes, validated by `services.clean_actions` ({"status": "pending_customer",
    "team": 3, "assignee": "me", "add_tags": ["vip"], …}). Teams, agents and tags are referred to
    by id or name, not by foreign key, so that one deleted later is reported when the macro is
    applied instead of silently dropped."""

    name = models.CharField(_("name"), max_length=100)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="macros", verbose_name=_("owner"))
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="macros", verbose_name=_("team"))
    replies = models.JSONField(_("reply"), default=dict, blank=True)
    note = models.TextField(_("internal note"), blank=True)
    actions = models.JSONField(_("actions"), default=dict, blank=True)
    usage_count = models.PositiveIntegerField(_("times used"), default=0)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("macro")
        verbose_name_plural = _("macros")
        constraints = [
            models.CheckConstraint(
                name="macro_personal_or_team",
                condition=models.Q(owner__isnull=False, team__isnull=True) | models.Q(owner__isnull=True, team__isnull=False),
            ),
            models.UniqueConstraint(Lower("name"), "owner", name="macro_personal_name_unique",
                                    condition=models.Q(owner__isnull=False)),
            models.UniqueConstraint(Lower("name"), "team", name="macro_team_name_unique",
                                    condition=models.Q(team__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.name
