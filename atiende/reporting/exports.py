"""The staffing plan as rows: one reader for the page's table and the CSV export, so both show
the same numbers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from atiende.core.csvexport import csv_text
from atiende.tickets.models import Channel

from .selectors import StaffingPlan
from .staffing import LIVE
from .summary import METRICS, Row, Summary


@dataclass(frozen=True)
class PlanRow:
    starts: datetime
    channel: str
    channel_label: str
    mode: str
    contacts: float
    agents: int
    occupancy: float
    asa_seconds: float | None
    service_level: float | None
    scheduled: int


def plan_rows(plan: StaffingPlan) -> Iterator[PlanRow]:
    """Hour by hour, each channel in the plan's order."""
    labels = dict(Channel.choices)
    starts = plan.hour_starts
    for h, when in enumerate(starts):
        for channel in plan.channels:
            hour = channel.hours[h]
            yield PlanRow(when, channel.channel, str(labels.get(channel.channel, channel.channel)), channel.mode,
                          hour.contacts, hour.agents, hour.occupancy, hour.asa_seconds, hour.service_level,
                          hour.scheduled)


def plan_csv(plan: StaffingPlan) -> str:
    """The plan as CSV text with a byte-order mark first, so Excel reads the accents as UTF-8."""
    header = [_("Hour starting"), _("Channel"), _("Method"), _("Forecast contacts"), _("Agents needed"),
              _("Occupancy"), _("Average speed of answer (s)"), _("Service level"), _("Scheduled heads")]
    rows = ([row.starts.isoformat(), row.channel_label, _("Erlang C") if row.mode == LIVE else _("Backlog within target"),
             f"{row.contacts:.2f}", row.agents, f"{row.occupancy:.3f}",
             "" if row.asa_seconds is None else f"{row.asa_seconds:.1f}",
             "" if row.service_level is None else f"{row.service_level:.3f}", row.scheduled]
            for row in plan_rows(plan))
    return "\ufeff" + csv_text(header, rows)


# --- reports ------------------------------------------------------------------------------------------

def summary_columns() -> list[tuple[str, str]]:
    """(field of summary.Row, header) in the order of every table and CSV of the reports."""
    return [
        ("created", _("Created")), ("solved", _("Solved")), ("backlog", _("Backlog")),
        ("backlog_age_median_hours", _("Backlog age, median (h)")),
        ("first_response_median", _("First response, median (s)")),
        ("first_response_p90", _("First response, 90th percentile (s)")),
        ("first_response_business_median", _("First response, business, median (s)")),
        ("first_response_business_p90", _("First response, business, 90th percentile (s)")),
        ("resolution_median", _("Resolution, median (s)")), ("resolution_p90", _("Resolution, 90th percentile (s)")),
        ("resolution_business_median", _("Resolution, business, median (s)")),
        ("resolution_business_p90", _("Resolution, business, 90th percentile (s)")),
        ("sla_attainment", _("SLA attainment")), ("really_solved_rate", _("Really solved")),
        ("fcr_rate", _("First-contact resolution")), ("reopen_rate", _("Reopen rate")),
        ("csat_answers", _("CSAT answers")), ("csat_average", _("CSAT average (1–5)")),
        ("csat_satisfied_rate", _("CSAT satisfied (4–5)")), ("nps", _("NPS")),
    ]


def summary_value(value: Any) -> Any:
    """Numbers as the API and the CSV give them: counts whole, the rest to 4 decimals, None empty."""
    if value is None or isinstance(value, int):
        return value
    return round(float(value), 4)


def summary_record(row: Row) -> dict[str, Any]:
    return {"key": row.key, "label": row.label, **{name: summary_value(getattr(row, name)) for name in METRICS}}


def summary_csv(found: Summary) -> tuple[str, list[str], list[list[Any]]]:
    """(file name, header, rows) of a report: each group, then the total and the previous period."""
    columns = summary_columns()
    group_title = dict(group_titles()).get(found.group_by, _("Group"))
    header = [group_title, *(title for _name, title in columns)]
    rows = [*found.rows, found.total, *([found.previous] if found.previous else [])]
    body = [[row.label, *("" if getattr(row, name) is None else summary_value(getattr(row, name)) for name, _t in columns)]
            for row in rows]
    period = found.period
    return f"informe-{period.first:%Y-%m-%d}-{period.last:%Y-%m-%d}.csv", header, body


def group_titles() -> list[tuple[str, str]]:
    return [("", _("All")), ("team", _("Team")), ("agent", _("Agent")), ("channel", _("Channel")),
            ("organization", _("Organization")), ("segment", _("Segment")), ("plan", _("Support plan")),
            ("product", _("Product")), ("outcome", _("Outcome"))]


def daily_csv(found: Summary) -> tuple[str, list[str], list[list[Any]]]:
    """The per-day table of the report (the line chart's numbers)."""
    header = [_("Day"), _("Created"), _("Solved"), _("First response, median (h)")]
    daily = found.daily
    rows = [[day.isoformat(), daily["created"][n], daily["solved"][n],
             "" if daily["first_response_median_hours"][n] is None else round(daily["first_response_median_hours"][n], 4)]
            for n, day in enumerate(found.period.dates())]
    period = found.period
    return f"informe-diario-{period.first:%Y-%m-%d}-{period.last:%Y-%m-%d}.csv", header, rows


def arrivals_csv(found: Summary) -> tuple[str, list[str], list[list[Any]]]:
    """The hour-of-week arrivals (the heat map's numbers): one row per weekday, Monday first."""
    days = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]
    period = found.period
    return (f"informe-llegadas-{period.first:%Y-%m-%d}-{period.last:%Y-%m-%d}.csv", [_("Day"), *(f"{h:02d}" for h in range(24))],
            [[days[n], *found.arrivals[n]] for n in range(7)])
