"""Staffing under /api/v1/staffing/."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from atiende.api.renderers import CSVRenderer, JSONRenderer
from atiende.api.views import ApiView
from atiende.core.exceptions import Invalid

from . import erlang, selectors
from .exports import summary_csv, summary_record
from .inputs import REPORT_GROUPS, InvalidFields


class ErlangCView(ApiView):
    @extend_schema(
        parameters=[
            OpenApiParameter("contacts_per_hour", float, required=True, description="Contacts arriving per hour (0 or more)"),
            OpenApiParameter("aht_seconds", float, required=True, description="Average handling time, seconds (more than 0)"),
            OpenApiParameter("target_seconds", float, description="Answer within this many seconds; default 20"),
            OpenApiParameter("service_level", float, description="Share to answer within the target, 0 < x < 1; default 0.8"),
            OpenApiParameter("shrinkage", float, description="Share of paid time off the queue, 0 ≤ x < 1; default 0.3"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        try:
            found, scheduled = selectors.erlang_c(viewer=request.user, query=request.query_params)
        except InvalidFields as exc:
            raise Invalid(_("Some values cannot be used."), fields=exc.errors) from None
        except erlang.TooMuchLoad:
            raise Invalid(_("This load needs more than %(max)s agents on one queue: split it or check the figures.")
                          % {"max": erlang.MAX_AGENTS}, code="load_too_high",
                          fields={"contacts_per_hour": _("Too many contacts for one queue with this handling time.")}
                          ) from None
        return Response({"agents": found.agents, "scheduled": scheduled, "service_level": round(found.service_level, 6),
                         "asa_seconds": round(found.asa_seconds, 3), "occupancy": round(found.occupancy, 6),
                         "load_erlangs": round(found.load, 6),
                         "probability_of_waiting": round(found.probability_of_waiting, 6)})


class ReportSummaryView(ApiView):
    """The reports' summary, supervisors and admins; `?format=csv` for the same rows as CSV."""

    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter("since", OpenApiTypes.DATE, description="First day, in your time zone (default: 27 days "
                             "before `until`)"),
            OpenApiParameter("until", OpenApiTypes.DATE, description="Last day, included (default: today); at most "
                             "366 days in all"),
            OpenApiParameter("group_by", str, enum=list(REPORT_GROUPS), description="Rows per group; omitted: the "
                             "total only"),
            OpenApiParameter("team", str, description="Only these teams' tickets (ids, comma-separated)"),
            OpenApiParameter("format", str, enum=["json", "csv"]),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        try:
            found = selectors.report_summary(viewer=request.user, query=request.query_params, series=False)
        except InvalidFields as exc:
            raise Invalid(_("Some filters cannot be used."), fields=exc.errors) from None
        if request.accepted_renderer.format == "csv":
            filename, header, rows = summary_csv(found)
            return Response({"filename": filename, "header": header, "rows": rows})
        period = found.period
        return Response({
            "since": period.first.isoformat(), "until": period.last.isoformat(), "time_zone": str(period.zone),
            "group_by": found.group_by or None, "backlog_as_of": found.as_of.isoformat(),
            "rows": [summary_record(row) for row in found.rows], "total": summary_record(found.total),
            "previous": summary_record(found.previous) if found.previous else None,
            "previous_since": period.previous().first.isoformat(), "previous_until": period.previous().last.isoformat(),
        })
