"""Staffing for supervisors and admins: next week's forecast and the heads it needs, with the
targets editable in a GET form and the table as CSV."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from atiende.core.exceptions import Forbidden
from atiende.reporting.exports import plan_csv
from atiende.reporting.inputs import InvalidFields, Targets, deferred_spec, fields, target_specs
from atiende.reporting.permissions import can_view_staffing
from atiende.reporting.selectors import staffing_plan

from .staffing_page import staffing_page, target_fields
from .views import agent_required


@agent_required
@require_GET
def staffing_view(request: HttpRequest) -> HttpResponse:
    if not can_view_staffing(request.user):  # before reading the form: no hint to whom may not see it
        raise Http404()
    try:
        targets = Targets(**fields(request.GET, {**target_specs(), **deferred_spec()}))
        plan = staffing_plan(viewer=request.user, targets=targets)
    except Forbidden:
        raise Http404() from None
    except InvalidFields as exc:
        return render(request, "workspace/staffing.html", {"fields": target_fields(request.GET, exc.errors)},
                      status=400)
    if request.GET.get("formato") == "csv":
        response = HttpResponse(plan_csv(plan), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="personal-{plan.week_start:%Y-%m-%d}.csv"'
        return response
    return render(request, "workspace/staffing.html", {"page": staffing_page(plan), "fields": target_fields(request.GET),
                                                     "csv_query": _csv_query(request)})


def _csv_query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query["formato"] = "csv"
    return query.urlencode()
