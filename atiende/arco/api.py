"""Personal-data exports and erasures under /api/v1/, for administrators: parse, call one service
or selector, render."""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from atiende.api.views import ApiView
from atiende.core.exceptions import NotFound

from . import selectors, services
from .models import DataExport

EXPORT = inline_serializer("DataExport", {
    "id": serializers.IntegerField(), "customer": serializers.IntegerField(),
    "status": serializers.ChoiceField(choices=["pending", "ready", "failed"]),
    "download_url": serializers.CharField(allow_null=True), "size": serializers.IntegerField(),
    "created_at": serializers.DateTimeField(), "finished_at": serializers.DateTimeField(allow_null=True)})


def export_data(export: DataExport) -> dict:
    return {"id": export.pk, "customer": export.customer_id, "status": export.status,
            "download_url": selectors.export_download_url(export), "size": export.size,
            "created_at": export.created_at.isoformat(),
            "finished_at": export.finished_at.isoformat() if export.finished_at else None}


class CustomerExportView(ApiView):
    """Start an export of everything kept about a customer (ZIP of JSON and files, built in the
    background); poll GET /api/v1/data-exports/{id}/."""

    @extend_schema(request=None, responses={202: inline_serializer("ExportStarted", {"id": serializers.IntegerField()})})
    def post(self, request: Request, customer_id: int) -> Response:
        export = services.export_request(actor=request.user, customer_id=customer_id)
        return Response({"id": export.pk}, status=202)


class DataExportView(ApiView):
    @extend_schema(responses=EXPORT)
    def get(self, request: Request, export_id: int) -> Response:
        return Response(export_data(selectors.export_get(user=request.user, export_id=export_id)))


class DataExportDownloadView(ApiView):
    """The ZIP, through the signed link in `download_url` (an hour), for administrators."""

    @extend_schema(parameters=[OpenApiParameter("signature", str, required=True)],
                   responses={(200, "application/zip"): OpenApiTypes.BINARY})
    def get(self, request: Request, export_id: int):
        export = selectors.export_for_download(user=request.user, export_id=export_id,
                                               signature=request.query_params.get("signature", "")[:200])
        try:
            handle = export.file.open("rb")
        except OSError:
            raise NotFound() from None
        services.export_download_audit(actor=request.user, export=export)
        response = FileResponse(handle, content_type="application/zip", as_attachment=True,
                                filename=f"datos-personales-{export.customer_id}.zip")
        response["Cache-Control"] = "no-store"
        return response


class CustomerEraseView(ApiView):
    """Erase (cancel) a customer's personal data across every table and stored file; the work runs
    in the background. Tickets stay as anonymised rows for the statistics."""

    @extend_schema(request=None, responses={202: inline_serializer("ErasureAccepted", {
        "id": serializers.IntegerField(), "status": serializers.CharField()})})
    def post(self, request: Request, customer_id: int) -> Response:
        customer = services.erase_request(actor=request.user, customer_id=customer_id)
        return Response({"id": customer.pk, "status": "accepted"}, status=202)
