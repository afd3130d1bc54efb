"""What the reports page shows, composed from `reporting.summary`: the filters, the comparison with
the previous period, the table by group with drill-down links, and the charts (lines per day, bars
by group, the hour-of-week heat map of arrivals). The CSV downloads read the same rows
(`reporting.exports.summary_csv`, `daily_csv`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from atiende.reporting import charts
from atiende.reporting.exports import group_titles
from atiende.reporting.inputs import REPORT_GROUPS
from atiende.reporting.summary import Row, Summary


# (field, column title, kind, the drill-down metric behind it or ""): what the page's table shows.
# Kinds: count, hours (from seconds), rate (a fraction shown as a percentage), score.
def table_columns() -> list[tuple[str, str, str, str]]:
    return [
        ("created", _("Created"), "count", "created"), ("solved", _("Solved"), "count", "solved"),
        ("backlog", _("Backlog"), "count", "backlog"),
        ("backlog_age_median_hours", _("Backlog age, median"), "age", "backlog"),
        ("first_response_median", _("First response, median"), "hours", "first_response"),
        ("first_response_p90", _("First response, 90th percentile"), "hours", "first_response"),
        ("first_response_business_median", _("First response in business hours, median"), "hours", "first_response"),
        ("resolution_median", _("Resolution, median"), "hours", "solved"),
        ("resolution_p90", _("Resolution, 90th percentile"), "hours", "solved"),
        ("resolution_business_median", _("Resolution in business hours, median"), "hours", "solved"),
        ("sla_attainment", _("SLA attainment"), "rate", "solved"),
        ("really_solved_rate", _("Really solved"), "rate", "solved"),
        ("fcr_rate", _("First-contact resolution"), "rate", "solved"),
        ("reopen_rate", _("Reopen rate"), "rate", "reopened"),
        ("csat_average", _("CSAT (1–5)"), "score", "rated"), ("csat_satisfied_rate", _("CSAT satisfied"), "rate", "rated"),
        ("nps", _("NPS"), "score", ""),
    ]


def show(value: Any, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "count":
        return number_format(value, force_grouping=True)
    if kind == "hours":
        return _("%(hours)s h") % {"hours": number_format(value / 3600, 1)}
    if kind == "age":
        return _("%(hours)s h") % {"hours": number_format(value, 1)}
    if kind == "rate":
        return f"{number_format(value * 100, 1)} %"
    return number_format(value, 2)


@dataclass(frozen=True)
class Cell:
    text: str
    link: str  # the drill-down to the tickets behind it ("" for none)


@dataclass(frozen=True)
class TableRow:
    label: str
    cells: list[Cell]


@dataclass(frozen=True)
class ReportsPage:
    found: Summary
    group_title: str
    columns: list[str]
    rows: list[TableRow]
    total: TableRow
    comparison: list[dict[str, str]]
    lines: SafeString
    bars: SafeString | None
    heat: SafeString


def reports_page(found: Summary, *, team_ids: tuple[int, ...]) -> ReportsPage:
    columns = table_columns()
    period = found.period
    base = {"since": period.first.isoformat(), "until": period.last.isoformat()}
    if team_ids:
        base["team"] = ",".join(str(pk) for pk in team_ids)
    drill_url = reverse("workspace:report-tickets")

    def table_row(row: Row, grouped: bool) -> TableRow:
        query = {**base, **({"group_by": found.group_by, "key": "" if row.key is None else row.key} if grouped else {})}
        cells = [Cell(show(getattr(row, name), kind),
                      f"{drill_url}?{urlencode({**query, 'metric': metric})}" if metric and getattr(row, name) else "")
                 for name, _title, kind, metric in columns]
        return TableRow(row.label, cells)

    comparison = []
    if found.previous is not None:
        for name, title, kind, _metric in columns:
            now, before = getattr(found.total, name), getattr(found.previous, name)
            comparison.append({"title": title, "now": show(now, kind), "before": show(before, kind),
                               "change": _change(now, before, kind)})
    days = period.dates()
    labels = [date_format(day, "d M") for day in days]
    lines = charts.line_chart(
        chart_id="daily-chart", title=_("Tickets created and solved per day"), x_labels=labels,
        series=[charts.Series(_("Created"), found.daily.get("created", [])),
                charts.Series(_("Solved"), found.daily.get("solved", []))],
        tick_every=max(1, len(days) // 8), y_title=_("Tickets"))
    bars = None
    if found.group_by:
        bars = charts.bar_chart(chart_id="groups-chart", title=_("Tickets created, by %(group)s") % {
            "group": _group_title(found.group_by).lower()}, value_title=_("Created"),
            groups=[(row.label, float(row.created)) for row in found.rows][:30], fmt=lambda v: number_format(v, 0))
    heat = charts.heat_map(
        chart_id="arrivals-heat-map", title=_("Tickets created by hour of the week"),
        row_labels=[_weekday(n) for n in range(7)], column_labels=[f"{h:02d}" for h in range(24)],
        values=found.arrivals or [[0] * 24 for _ in range(7)])
    return ReportsPage(found, _group_title(found.group_by), [title for _n, title, _k, _m in columns],
                       [table_row(row, True) for row in found.rows], table_row(found.total, False), comparison,
                       lines, bars, heat)


def _change(now: Any, before: Any, kind: str) -> str:
    if now is None or before is None:
        return "—"
    delta = now - before
    sign = "+" if delta > 0 else ("−" if delta < 0 else "±")
    if kind == "rate":
        return _("%(sign)s%(points)s points") % {"sign": sign, "points": number_format(abs(delta) * 100, 1)}
    return f"{sign}{show(abs(delta), kind)}"


def _group_title(group_by: str) -> str:
    return dict(group_titles()).get(group_by, _("All"))


def _weekday(n: int) -> str:
    return [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")][n]


def filter_choices(query: Any, teams: list[tuple[int, str]]) -> dict[str, Any]:
    """The filter form: what was asked, and the choices."""
    chosen = {part for value in query.getlist("team") for part in value.split(",") if part.strip()}
    return {
        "since": query.get("since", ""), "until": query.get("until", ""), "group_by": query.get("group_by", ""),
        "groups": [(key, title) for key, title in group_titles() if key == "" or key in REPORT_GROUPS],
        "teams": [{"id": pk, "name": name, "chosen": str(pk) in chosen} for pk, name in teams],
    }
