"""Writing coaching: the reply checker's findings on the replies each agent (or team) sent, over
time, and which were fixed before sending. Supervisors and administrators see everyone; an agent
sees their own. A GET form (dates, grouping) and the table as CSV."""

from __future__ import annotations

from datetime import date, timedelta

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from atiende.core.csvexport import csv_response
from atiende.core.exceptions import Forbidden
from atiende.replycheck.permissions import can_view_coaching, sees_every_agent
from atiende.replycheck.rules import CODE_LABELS, CODES
from atiende.replycheck.selectors import CoachingReport, coaching_report
from atiende.reporting.charts import Series, bar_chart, line_chart

from .views import agent_required

DEFAULT_WEEKS = 8
MAX_DAYS = 366


@agent_required
@require_GET
def coaching_view(request: HttpRequest) -> HttpResponse:
    if not can_view_coaching(request.user):
        raise Http404()
    since, until, group_by, errors = _period(request)
    try:
        report = coaching_report(viewer=request.user, since=since, until=until, group_by=group_by)
    except Forbidden:
        raise Http404() from None
    if request.GET.get("formato") == "csv" and not errors:
        return csv_response(f"coaching-{since:%Y-%m-%d}-{until:%Y-%m-%d}.csv", *_csv(report))
    query = request.GET.copy()
    query["formato"] = "csv"
    return render(request, "workspace/coaching.html", {
        "report": report, "since": since, "until": until, "group_by": group_by, "errors": errors,
        "everyone": sees_every_agent(request.user), "codes": _code_rows(report), "csv_query": query.urlencode(),
        "weeks_chart": line_chart(
            chart_id="coaching-weeks", title=_("Findings left per 100 replies, by week"),
            x_labels=[monday.strftime("%d/%m") for monday, _value in report.weeks],
            series=[Series(_("Findings per 100 replies"), [value for _monday, value in report.weeks])], tick_every=1),
        "codes_chart": bar_chart(
            chart_id="coaching-codes", title=_("Findings left when sent, by kind"), value_title=_("Findings"),
            groups=[(str(CODE_LABELS[code]), report.total.found.get(code, 0)) for code in CODES],
            fmt=lambda value: str(int(value))),
    }, status=400 if errors else 200)


def _period(request: HttpRequest) -> tuple[date, date, str, list[str]]:
    today = timezone.localdate()
    errors: list[str] = []
    since = _day(request.GET.get("desde"), today - timedelta(weeks=DEFAULT_WEEKS), errors)
    until = _day(request.GET.get("hasta"), today, errors)
    if since > until or (until - since).days > MAX_DAYS:
        errors.append(_("Choose a period of at most a year, its start before its end."))
        since, until = today - timedelta(weeks=DEFAULT_WEEKS), today
    group_by = request.GET.get("agrupar") or "agent"
    if group_by not in ("agent", "team"):
        errors.append(_("Group by agent or team."))
        group_by = "agent"
    return since, until, group_by, errors


def _day(text: str | None, default: date, errors: list[str]) -> date:
    if not text:
        return default
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        errors.append(_("Write dates as YYYY-MM-DD."))
        return default


def _code_rows(report: CoachingReport) -> list[dict]:
    total = report.total
    return [{"code": code, "label": CODE_LABELS[code], "found": total.found.get(code, 0),
             "fixed": total.fixed.get(code, 0)} for code in CODES]


def _csv(report: CoachingReport) -> tuple[list[str], list[list]]:
    header = [_("Name"), _("Replies sent"), _("Replies with findings"), _("Findings per 100 replies"),
              *[_("%(finding)s (left when sent)") % {"finding": CODE_LABELS[code]} for code in CODES],
              *[_("%(finding)s (fixed before sending)") % {"finding": CODE_LABELS[code]} for code in CODES]]
    rows = [[row.label, row.replies, row.with_findings, round(row.per_hundred, 1),
             *[row.found.get(code, 0) for code in CODES], *[row.fixed.get(code, 0) for code in CODES]]
            for row in [*report.rows, report.total]]
    return header, rows
