from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from atiende.core import clock

from . import starter


def _jargon_es() -> str:
    return starter.JARGON_ES


def _jargon_en() -> str:
    return starter.JARGON_EN


class CheckerSettings(models.Model):
    """The reply checker's configuration: one row (pk 1), edited by administrators.

    `confirm_codes`: finding codes that ask the agent to confirm before sending (never block).
    `technical_segments` (customers.Segment values) and `technical_sectors`: customers of an
    organization in one of them are technical, and `jargon` is not checked for them.
    `company_terms`: one per line, never misspellings nor shouting (brands, product names).
    `jargon_es`/`jargon_en`: one "term: plain words" per line."""

    confirm_codes = models.JSONField(_("findings that need a confirmation"), default=list, blank=True)
    technical_segments = models.JSONField(_("technical segments"), default=list, blank=True)
    technical_sectors = models.ManyToManyField("customers.Sector", blank=True, related_name="+",
                                               verbose_name=_("technical sectors"))
    company_terms = models.TextField(_("company glossary"), blank=True)
    jargon_es = models.TextField(_("jargon (Spanish)"), blank=True, default=_jargon_es)
    jargon_en = models.TextField(_("jargon (English)"), blank=True, default=_jargon_en)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        verbose_name = _("reply checker settings")
        verbose_name_plural = _("reply checker settings")
        constraints = [models.CheckConstraint(name="replycheck_settings_one_row", condition=models.Q(pk=1))]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class SentReply(models.Model):
    """A public reply an agent sent, checked as it went out: the coaching reports count findings
    per reply (decision 0038). The agent and team are those of the moment it was sent."""

    message = models.OneToOneField("tickets.Message", on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    language = models.CharField(_("language"), max_length=2)
    sent_at = models.DateTimeField(_("sent at"), default=clock.now)

    class Meta:
        verbose_name = _("checked reply")
        verbose_name_plural = _("checked replies")
        indexes = [models.Index(fields=["sent_at"], name="replycheck_sent_at")]

    def __str__(self) -> str:
        return f"{self.message_id}"


class SentFinding(models.Model):
    """A finding code on a sent reply: still there when it was sent (`fixed` false, `count`
    times), or shown while the agent wrote and gone by the time they sent it (`fixed` true)."""

    reply = models.ForeignKey(SentReply, on_delete=models.CASCADE, related_name="findings")
    code = models.CharField(_("code"), max_length=30)
    fixed = models.BooleanField(_("fixed before sending"))
    count = models.PositiveIntegerField(_("count"), default=1)

    class Meta:
        verbose_name = _("finding on a sent reply")
        verbose_name_plural = _("findings on sent replies")
        constraints = [models.UniqueConstraint(fields=["reply", "code", "fixed"], name="replycheck_finding_once")]

    def __str__(self) -> str:
        return self.code
