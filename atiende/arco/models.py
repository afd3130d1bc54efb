"""ARCO requests (access, rectification, cancellation, opposition: LFPDPPP arts. 22–35) and the
access exports built for them (docs/decisions/0047-arco-requests.md)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from atiende.core import clock


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Access")
    RECTIFICATION = "rectification", _("Rectification")
    CANCELLATION = "cancellation", _("Cancellation")
    OPPOSITION = "opposition", _("Opposition")


class RequestState(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    REJECTED = "rejected", _("Rejected")


OPEN_STATES = (RequestState.RECEIVED, RequestState.IN_PROGRESS)


class RequestSource(models.TextChoices):
    PORTAL = "portal", _("Customer portal")
    AGENT = "agent", _("Recorded by an agent")


class ArcoRequest(models.Model):
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("customer"))
    kind = models.CharField(_("kind"), max_length=20, choices=RequestKind.choices)
    text = models.TextField(_("request"), blank=True)
    source = models.CharField(_("source"), max_length=10, choices=RequestSource.choices)
    state = models.CharField(_("state"), max_length=20, choices=RequestState.choices, default=RequestState.RECEIVED)
    reason = models.TextField(_("reason"), blank=True)  # why it was rejected
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("owner"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("recorded by"))
    received_at = models.DateTimeField(_("received"), default=clock.now)
    due_at = models.DateTimeField(_("legal deadline"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["state", "due_at"], name="arco_request_by_due")]
        constraints = [models.CheckConstraint(condition=~models.Q(state="rejected") | ~models.Q(reason=""),
                                              name="arco_rejection_has_reason")]
        verbose_name = _("ARCO request")
        verbose_name_plural = _("ARCO requests")

    def __str__(self) -> str:
        return f"ARCO {self.pk} {self.kind}"


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


def export_path(instance: DataExport, filename: str) -> str:
    # Private: no URL serves media; the archive is reached only through the signed download view.
    return f"arco-exports/{uuid.uuid4().hex}.zip"


class DataExport(models.Model):
    """A ZIP of everything atiende keeps about one customer, built in the background."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey(ArcoRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="exports")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    file = models.FileField(upload_to=export_path, max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("personal-data export")
        verbose_name_plural = _("personal-data exports")

    def __str__(self) -> str:
        return f"export {self.public_id}"
