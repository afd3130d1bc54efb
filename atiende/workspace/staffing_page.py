"""What the staffing page shows, composed from `reporting`'s plan: the arrivals heat map, the
forecast and scheduled-heads charts, and the hour-by-hour table (the CSV export reads the same
rows, `reporting.exports.plan_rows`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from atiende.reporting import charts
from atiende.reporting.exports import PlanRow, plan_rows
from atiende.reporting.inputs import Targets
from atiende.reporting.selectors import StaffingPlan
from atiende.reporting.staffing import LIVE
from atiende.tickets.models import Channel


@dataclass(frozen=True)
class StaffingPage:
    plan: StaffingPlan
    heat_map: SafeString
    forecast_chart: SafeString
    heads_chart: SafeString
    rows: list[PlanRow]
    channels: list[dict[str, Any]]


def staffing_page(plan: StaffingPlan) -> StaffingPage:
    labels = dict(Channel.choices)
    starts = plan.hour_starts
    x_labels = [_hour_label(when) for when in starts]
    day_names = [date_format(starts[d * 24], "l") for d in range(7)]
    heat = charts.heat_map(
        chart_id="arrivals-heat-map", title=_("Average arrivals per hour of the week, last %(weeks)s weeks")
        % {"weeks": plan.history_weeks}, row_labels=day_names, column_labels=[f"{h:02d}" for h in range(24)],
        values=[plan.arrivals[d * 24:(d + 1) * 24] for d in range(7)])
    forecast = charts.line_chart(
        chart_id="forecast-chart", title=_("Forecast contacts per hour, week of %(day)s") % {"day": _day(plan.week_start)},
        x_labels=x_labels, series=[charts.Series(str(labels.get(c.channel, c.channel)), c.forecast.hourly)
                                   for c in plan.channels])
    heads = charts.bar_chart(
        chart_id="heads-chart", title=_("Scheduled agent-hours in the week, by channel"),
        value_title=_("Agent-hours"),
        groups=[(str(labels.get(c.channel, c.channel)), float(sum(h.scheduled for h in c.hours))) for c in plan.channels])
    channels = [{"label": labels.get(c.channel, c.channel), "live": c.mode == LIVE, "handling": c.handling,
                 "trend": c.forecast.trend_per_week, "level": c.forecast.level, "holiday_factor": c.forecast.holiday_factor}
                for c in plan.channels]
    return StaffingPage(plan, heat, forecast, heads, list(plan_rows(plan)), channels)


def _hour_label(when: datetime) -> str:
    return f"{date_format(when, 'D')} {when:%H}:00"


def _day(when: datetime) -> str:
    return date_format(when, "DATE_FORMAT")



def target_fields(query: Any, errors: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The targets form's fields: what was asked (or the default), its label, hint and error."""
    defaults = Targets()
    specs = [
        ("service_level", _("Service level"), _("Share of chats and calls answered within the target, e.g. 0.8."),
         defaults.service_level),
        ("target_seconds", _("Answer within (seconds)"), _("For chat and phone."), defaults.target_seconds),
        ("shrinkage", _("Shrinkage"), _("Share of paid time away from the queue (breaks, training, absence), e.g. 0.3."),
         defaults.shrinkage),
        ("deferred_hours", _("Email answered within (hours)"), _("For email and the other written channels."),
         defaults.deferred_hours),
    ]
    errors = errors or {}
    return [{"name": name, "label": label, "help": hint, "value": query.get(name) or f"{default:g}",
             "error": errors.get(name, "")} for name, label, hint, default in specs]
