"""The reports for supervisors and admins: the summary by group with its charts, its CSVs, and the
tickets behind any figure. Every number comes from `reporting.summary` (through the selectors)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from atiende.accounts.models import Team
from atiende.core.csvexport import csv_response
from atiende.core.exceptions import Forbidden
from atiende.reporting.exports import arrivals_csv, daily_csv, summary_csv
from atiende.reporting.inputs import InvalidFields
from atiende.reporting.permissions import can_view_reports
from atiende.reporting.selectors import report_summary, report_tickets

from .reports_page import filter_choices, reports_page
from .views import agent_required

CSV_TABLES = {"grupos": summary_csv, "diario": daily_csv, "llegadas": arrivals_csv}


@agent_required
@require_GET
def reports_view(request: HttpRequest) -> HttpResponse:
    if not can_view_reports(request.user):  # before reading the filters: no hint to whom may not see it
        raise Http404()
    form = filter_choices(request.GET, list(Team.objects.order_by("name").values_list("pk", "name")))
    try:
        found = report_summary(viewer=request.user, query=request.GET)
    except Forbidden:
        raise Http404() from None
    except InvalidFields as exc:
        return render(request, "workspace/reports.html", {"form": form, "errors": exc.errors}, status=400)
    table = CSV_TABLES.get(request.GET.get("csv", ""))
    if table is not None:
        return csv_response(*table(found))
    team_ids = tuple(sorted({int(p) for v in request.GET.getlist("team") for p in v.split(",") if p.strip()}))
    query = request.GET.copy()
    csv_links = {}
    for name in CSV_TABLES:
        query["csv"] = name
        csv_links[name] = query.urlencode()
    return render(request, "workspace/reports.html", {"form": form, "page": reports_page(found, team_ids=team_ids),
                                                     "csv": csv_links})


@agent_required
@require_GET
def report_tickets_view(request: HttpRequest) -> HttpResponse:
    if not can_view_reports(request.user):
        raise Http404()
    try:
        asked, metric, tickets = report_tickets(viewer=request.user, query=request.GET)
    except Forbidden:
        raise Http404() from None
    except InvalidFields as exc:
        return render(request, "workspace/report_tickets.html", {"errors": exc.errors}, status=400)
    back = request.GET.copy()
    for name in ("metric", "key"):
        back.pop(name, None)
    return render(request, "workspace/report_tickets.html", {"asked": asked, "metric": metric, "tickets": tickets,
                                                            "back_query": back.urlencode()})
