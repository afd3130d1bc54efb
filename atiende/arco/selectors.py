"""Reads of ARCO requests and exports, with their permission applied on entry."""

from __future__ import annotations

from django.core import signing
from django.db.models import QuerySet
from django.urls import reverse

from atiende.accounts.models import User
from atiende.accounts.permissions import is_customer
from atiende.core.exceptions import Forbidden, NotFound

from .models import OPEN_STATES, ArcoRequest, DataExport, ExportStatus
from .permissions import can_export_or_erase, can_manage_requests

DOWNLOAD_SALT = "atiende.arco.export-download"
DOWNLOAD_MAX_AGE = 60 * 60  # a download link works for an hour


def request_list(*, user: User, open_only: bool = False) -> QuerySet[ArcoRequest]:
    """Every request, the nearest legal deadline first."""
    if not can_manage_requests(user):
        raise Forbidden()
    requests = ArcoRequest.objects.select_related("customer", "owner").order_by("due_at", "id")
    return requests.filter(state__in=OPEN_STATES) if open_only else requests


def own_requests(*, user: User) -> QuerySet[ArcoRequest]:
    """A customer's own requests, newest first (the portal)."""
    if not is_customer(user):
        raise Forbidden()
    return ArcoRequest.objects.filter(customer__user=user).order_by("-received_at", "-id")


def request_get(*, user: User, request_id: int) -> ArcoRequest:
    found = request_list(user=user).filter(pk=request_id).first()
    if found is None:
        raise NotFound()
    return found


def export_get(*, user: User, export_id: int) -> DataExport:
    if not can_export_or_erase(user):
        raise Forbidden()
    found = DataExport.objects.select_related("customer").filter(pk=export_id).first()
    if found is None:
        raise NotFound()
    return found


def export_list(*, user: User, customer_id: int) -> QuerySet[DataExport]:
    if not can_export_or_erase(user):
        raise Forbidden()
    return DataExport.objects.filter(customer_id=customer_id).order_by("-created_at")


def export_download_url(export: DataExport) -> str | None:
    """A link that works for an hour, and only for an administrator (the view checks both)."""
    if export.status != ExportStatus.READY or not export.file:
        return None
    signature = signing.TimestampSigner(salt=DOWNLOAD_SALT).sign(str(export.public_id)).split(":", 1)[1]
    return f"{reverse('api:data-export-download', args=[export.pk])}?signature={signature}"


def export_for_download(*, user: User, export_id: int, signature: str) -> DataExport:
    """The export behind a signed link, for an administrator; anything else is a 404."""
    export = export_get(user=user, export_id=export_id)
    try:
        signing.TimestampSigner(salt=DOWNLOAD_SALT).unsign(f"{export.public_id}:{signature}", max_age=DOWNLOAD_MAX_AGE)
    except signing.BadSignature:
        raise NotFound() from None
    if export.status != ExportStatus.READY or not export.file:
        raise NotFound()
    return export
