"""The reports' one aggregation: every table, chart, CSV, the API and the weekly email read this.

It reads `metrics.TicketFact`, one row per ticket kept current by the event record (decision
0043), for the dates asked in the viewer's time zone, and computes each figure from those rows
(medians and 90th percentiles cannot be summed from daily totals). Which tickets a figure counts:

- created: created in the period; backlog: not solved at the period's end (or now, if earlier),
  counting a ticket solved and reopened as open; its age is from creation to that moment;
- solved, resolution times, SLA attainment, really solved, FCR and reopen rate: tickets whose
  latest solve fell in the period (an episode reopened later still counts where it was solved);
- first response: tickets first answered in the period; CSAT: answers given in the period (a
  ticket's latest), satisfied = 4 or 5 of 5.

Times are in seconds: calendar, and business time in the ticket's SLA calendar (tickets without
one have none). Percentiles interpolate linearly between the two nearest values (PostgreSQL's
`percentile_cont`)."""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from atiende.accounts.models import Team, User
from atiende.assets.models import Product
from atiende.core import clock
from atiende.customers.models import Organization, Segment, SupportPlan
from atiende.feedback.selectors import nps_for_reports
from atiende.metrics.models import BACKLOG_GROUP_COLUMNS, OutcomeKind, TicketFact
from atiende.tickets.models import Channel

GROUPS = ("team", "agent", "channel", "organization", "segment", "plan", "product", "outcome")
SOLVING = frozenset({OutcomeKind.SOLVED, OutcomeKind.WORKAROUND})
SATISFIED = 4
MAX_DAYS = 366
# The columns read per ticket (one query for the period, one for the backlog).
_COLUMNS = ("ticket_id", "created_epoch", "channel", "team_id", "agent_id", "organization_id", "segment", "plan_id",
            "product_id", "outcome", "first_reply_epoch", "first_reply_seconds", "first_reply_business_seconds",
            "solved_epoch", "solve_seconds", "solve_business_seconds", "reopens", "open_again", "first_contact",
            "negative_answer", "rating", "rated_epoch", "sla_met", "sla_breached")
_GROUP_COLUMN = {"team": "team_id", "agent": "agent_id", "channel": "channel", "organization": "organization_id",
                 "segment": "segment", "plan": "plan_id", "product": "product_id", "outcome": "outcome"}


@dataclass(frozen=True)
class Period:
    """Whole days `first`..`last` in `zone`: [since, until) as instants."""

    first: date
    last: date
    zone: ZoneInfo

    @property
    def since(self) -> datetime:
        return datetime.combine(self.first, time.min, tzinfo=self.zone)

    @property
    def until(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=self.zone)

    @property
    def bounds(self) -> tuple[int, int]:
        """[since, until) in Unix seconds, as the report rows keep moments."""
        return int(self.since.timestamp()), int(self.until.timestamp())

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> Period:
        """The same number of days just before."""
        return Period(self.first - timedelta(days=self.days), self.first - timedelta(days=1), self.zone)

    def dates(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range(self.days)]


@dataclass(frozen=True)
class Row:
    """One table row: a group's figures (rates are fractions 0–1, times seconds; None = no data)."""

    key: Any
    label: str
    created: int = 0
    solved: int = 0
    backlog: int = 0
    backlog_age_median_hours: float | None = None
    first_response_median: float | None = None
    first_response_p90: float | None = None
    first_response_business_median: float | None = None
    first_response_business_p90: float | None = None
    resolution_median: float | None = None
    resolution_p90: float | None = None
    resolution_business_median: float | None = None
    resolution_business_p90: float | None = None
    sla_attainment: float | None = None
    really_solved_rate: float | None = None
    fcr_rate: float | None = None
    reopen_rate: float | None = None
    csat_answers: int = 0
    csat_average: float | None = None
    csat_satisfied_rate: float | None = None
    nps: float | None = None  # the feedback app's NPS (`nps_for_reports`): the total, and by who the customer is


METRICS = tuple(f.name for f in fields(Row) if f.name not in ("key", "label"))


@dataclass(frozen=True)
class Summary:
    period: Period
    group_by: str
    rows: list[Row]  # one per group, by label
    total: Row
    previous: Row | None  # the same figures over the previous period
    as_of: datetime  # the backlog's moment
    daily: dict[str, list[float | None]] = field(default_factory=dict)  # per day: created, solved, …
    arrivals: list[list[int]] = field(default_factory=list)  # 7 days × 24 hours, created in the period


# --- the pure part: figures from rows --------------------------------------------------------------

def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-quantile (0–1) with linear interpolation; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _share(flags: Iterable[bool | None]) -> float | None:
    known = [flag for flag in flags if flag is not None]
    return sum(1 for flag in known if flag) / len(known) if known else None


def _really_solved(row: dict, *, now: datetime, days: int) -> bool | None:
    """metrics.history.really_solved on the row's summary of the history."""
    if row["open_again"] or row["outcome"] not in SOLVING or row["negative_answer"]:
        return False
    return True if now - row["solved_epoch"] >= days * 86400 else None


def figures(key: Any, label: str, rows: list[dict], period: Period, backlog: list[dict], *, as_of: int,
            now: int) -> Row:
    """Every figure of one group, from its rows (those touching the period) and its backlog
    (moments in Unix seconds)."""
    since, until = period.bounds

    def within(value: int | None) -> bool:
        return value is not None and since <= value < until

    created = [r for r in rows if within(r["created_epoch"])]
    solved = [r for r in rows if within(r["solved_epoch"])]
    answered = [r for r in rows if within(r["first_reply_epoch"])]
    rated = [r for r in rows if within(r["rated_epoch"]) and r["rating"] is not None]

    def times(source: list[dict], column: str) -> list[float]:
        return [r[column] for r in source if r[column] is not None]

    met, breached = sum(r["sla_met"] for r in solved), sum(r["sla_breached"] for r in solved)
    ages = [(as_of - r["created_epoch"]) / 3600 for r in backlog]
    first, first_b = times(answered, "first_reply_seconds"), times(answered, "first_reply_business_seconds")
    resolution, resolution_b = times(solved, "solve_seconds"), times(solved, "solve_business_seconds")
    ratings = [r["rating"] for r in rated]
    days = settings.REALLY_SOLVED_DAYS
    return Row(
        key=key, label=label, created=len(created), solved=len(solved), backlog=len(backlog),
        backlog_age_median_hours=percentile(ages, 0.5),
        first_response_median=percentile(first, 0.5), first_response_p90=percentile(first, 0.9),
        first_response_business_median=percentile(first_b, 0.5), first_response_business_p90=percentile(first_b, 0.9),
        resolution_median=percentile(resolution, 0.5), resolution_p90=percentile(resolution, 0.9),
        resolution_business_median=percentile(resolution_b, 0.5),
        resolution_business_p90=percentile(resolution_b, 0.9),
        sla_attainment=met / (met + breached) if met + breached else None,
        really_solved_rate=_share(_really_solved(r, now=now, days=days) for r in solved),
        fcr_rate=_share(r["first_contact"] for r in solved),
        reopen_rate=_share(r["reopens"] > 0 for r in solved),
        csat_answers=len(ratings), csat_average=sum(ratings) / len(ratings) if ratings else None,
        csat_satisfied_rate=_share(rating >= SATISFIED for rating in ratings),
    )


# --- reading the rows -------------------------------------------------------------------------------

_SERIES_COLUMNS = ("created_epoch", "solved_epoch", "first_reply_epoch", "first_reply_seconds")


def _period_rows(period: Period, team_ids: Sequence[int], columns: Sequence[str] = _COLUMNS) -> list[dict]:
    since, until = period.bounds
    touching = (Q(created_epoch__gte=since, created_epoch__lt=until) | Q(solved_epoch__gte=since, solved_epoch__lt=until)
                | Q(first_reply_epoch__gte=since, first_reply_epoch__lt=until)
                | Q(rated_epoch__gte=since, rated_epoch__lt=until))
    query = TicketFact.objects.filter(touching)
    if team_ids:
        query = query.filter(team_id__in=team_ids)
    return [dict(zip(columns, values, strict=True)) for values in query.values_list(*columns)]


def backlog_condition(as_of: int) -> Q:
    """Tickets created before `as_of` and not solved then (never solved, solved after, or reopened)."""
    return (Q(solved_epoch__isnull=True) | Q(solved_epoch__gte=as_of) | Q(open_again=True)) & Q(created_epoch__lt=as_of)


def _backlog_rows(as_of: int, team_ids: Sequence[int], group_column: str | None) -> list[dict]:
    query = TicketFact.objects.filter(backlog_condition(as_of))
    if team_ids:
        query = query.filter(team_id__in=team_ids)
    columns = ["created_epoch", *([group_column] if group_column else [])]
    return [dict(zip(columns, values, strict=True)) for values in query.values_list(*columns)]


def _group(rows: list[dict], column: str | None) -> dict[Any, list[dict]]:
    grouped: dict[Any, list[dict]] = defaultdict(list)
    for row in rows:
        grouped[row[column] if column else None].append(row)
    return grouped


def labels_for(group_by: str, keys: Iterable[Any]) -> dict[Any, str]:
    """Display names of the groups (escaped where shown, never here)."""
    keys = [k for k in keys if k not in (None, "")]
    names: dict[Any, str] = {}
    if group_by == "team":
        names = dict(Team.objects.filter(pk__in=keys).values_list("pk", "name"))
    elif group_by == "agent":
        names = {pk: name or email for pk, name, email in User.objects.filter(pk__in=keys).values_list("pk", "name", "email")}
    elif group_by == "organization":
        names = dict(Organization.objects.filter(pk__in=keys).values_list("pk", "name"))
    elif group_by == "plan":
        names = dict(SupportPlan.objects.filter(pk__in=keys).values_list("pk", "name"))
    elif group_by == "product":
        names = dict(Product.objects.filter(pk__in=keys).values_list("pk", "name"))
    elif group_by in ("channel", "segment", "outcome"):
        choices = {"channel": Channel, "segment": Segment, "outcome": OutcomeKind}[group_by]
        names = {k: str(v) for k, v in choices.choices}
    found = {k: names.get(k, str(k)) for k in keys}
    found[None] = found[""] = _("None")
    return found


def summary(*, period: Period, group_by: str = "", team_ids: Sequence[int] = (), compare: bool = True,
            series: bool = True) -> Summary:
    """The report of `period`, grouped by `group_by` ('' for totals only). Access is the caller's
    check (`reporting.permissions.can_view_reports`)."""
    now = int(clock.now().timestamp())
    as_of = min(period.bounds[1], now)
    column = _GROUP_COLUMN.get(group_by)
    by_group, total = _figures_by(period, column, team_ids, as_of=as_of, now=now)
    labels = labels_for(group_by, by_group)
    nps = nps_for_reports(since=period.since, until=period.until, group_by=group_by)
    found = [_with_nps(replace(row, label=labels.get(key, "")), nps.get(key)) for key, row in by_group.items()]
    found.sort(key=lambda row: (row.key in (None, ""), row.label.casefold()))
    total = _with_nps(replace(total, key="", label=_("All")), nps.get(""))
    previous = None
    if compare:
        before = period.previous()
        before_as_of = min(before.bounds[1], now)
        previous = replace(_figures_by(before, None, team_ids, as_of=before_as_of, now=now)[1], key="",
                           label=_("Previous period"))
    daily, arrivals = ({}, [])
    if series:
        rows = _period_rows(period, team_ids, _SERIES_COLUMNS)
        daily, arrivals = _daily(rows, period), _arrivals(rows, period)
    return Summary(period, group_by, found, total, previous, datetime.fromtimestamp(as_of, period.zone), daily, arrivals)


def _figures_by(period: Period, column: str | None, team_ids: Sequence[int], *, as_of: int,
                now: int) -> tuple[dict[Any, Row], Row]:
    """Each group's figures (none without a column) and the total's: PostgreSQL computes both in
    one grouped query per kind (`GROUPING SETS`, `percentile_cont`); elsewhere (SQLite) the rows
    are read and `figures` computes them. Both are checked against the same slow reference
    (reporting/tests/test_summary.py)."""
    if connection.vendor == "postgresql":
        return _figures_sql(period, column, team_ids, as_of=as_of, now=now)
    rows = _period_rows(period, team_ids)
    backlog = _backlog_rows(as_of, team_ids, column)
    total = figures(None, "", rows, period, backlog, as_of=as_of, now=now)
    if not column:
        return {}, total
    groups, backlogs = _group(rows, column), _group(backlog, column)
    return {key: figures(key, "", groups.get(key, []), period, backlogs.get(key, []), as_of=as_of, now=now)
            for key in set(groups) | set(backlogs)}, total


# `{grouping}` is 1 on the total's row; `{group_by}` asks for each group and the total in one pass.
_SQL_FIGURES = """
SELECT {key} AS key, {grouping} AS total,
  count(*) FILTER (WHERE created_epoch >= %(since)s AND created_epoch < %(until)s),
  count(*) FILTER (WHERE {solved}),
  percentile_cont(0.5) WITHIN GROUP (ORDER BY first_reply_seconds) FILTER (WHERE {answered}),
  percentile_cont(0.9) WITHIN GROUP (ORDER BY first_reply_seconds) FILTER (WHERE {answered}),
  percentile_cont(0.5) WITHIN GROUP (ORDER BY first_reply_business_seconds) FILTER (WHERE {answered}),
  percentile_cont(0.9) WITHIN GROUP (ORDER BY first_reply_business_seconds) FILTER (WHERE {answered}),
  percentile_cont(0.5) WITHIN GROUP (ORDER BY solve_seconds) FILTER (WHERE {solved}),
  percentile_cont(0.9) WITHIN GROUP (ORDER BY solve_seconds) FILTER (WHERE {solved}),
  percentile_cont(0.5) WITHIN GROUP (ORDER BY solve_business_seconds) FILTER (WHERE {solved}),
  percentile_cont(0.9) WITHIN GROUP (ORDER BY solve_business_seconds) FILTER (WHERE {solved}),
  coalesce(sum(sla_met) FILTER (WHERE {solved}), 0), coalesce(sum(sla_breached) FILTER (WHERE {solved}), 0),
  count(*) FILTER (WHERE {solved} AND NOT ({not_really}) AND solved_epoch <= %(settled)s),
  count(*) FILTER (WHERE {solved} AND ({not_really})),
  count(*) FILTER (WHERE {solved} AND first_contact),
  count(*) FILTER (WHERE {solved} AND reopens > 0),
  count(rating) FILTER (WHERE {rated}),
  avg(rating) FILTER (WHERE {rated}),
  count(*) FILTER (WHERE {rated} AND rating >= %(satisfied)s)
FROM metrics_ticketfact
WHERE ((created_epoch >= %(since)s AND created_epoch < %(until)s) OR {solved} OR {answered} OR {rated}){teams}
{group_by}
"""
# The backlog in two disjoint parts: the tickets still open, read from their covering index
# (metrics `ticket_fact_open`), and the few solved since `as_of` (recent, from the solved index).
_SQL_BACKLOG = """
SELECT {key} AS key, {grouping} AS total, count(*),
  percentile_cont(0.5) WITHIN GROUP (ORDER BY (%(as_of)s - created_epoch) / 3600.0)
FROM (
  SELECT created_epoch, {carried} FROM metrics_ticketfact
  WHERE (solved_epoch IS NULL OR open_again) AND created_epoch < %(as_of)s{teams}
  UNION ALL
  SELECT created_epoch, {carried} FROM metrics_ticketfact
  WHERE solved_epoch >= %(as_of)s AND NOT open_again AND created_epoch < %(as_of)s{teams}
) AS backlog
{group_by}
"""


def _figures_sql(period: Period, column: str | None, team_ids: Sequence[int], *, as_of: int,
                 now: int) -> tuple[dict[Any, Row], Row]:
    since, until = period.bounds
    params = {"since": since, "until": until, "as_of": as_of, "satisfied": SATISFIED,
              "settled": now - settings.REALLY_SOLVED_DAYS * 86400, "teams": list(team_ids)}
    parts = {"solved": "(solved_epoch >= %(since)s AND solved_epoch < %(until)s)",
             "answered": "(first_reply_epoch >= %(since)s AND first_reply_epoch < %(until)s)",
             "rated": "(rated_epoch >= %(since)s AND rated_epoch < %(until)s AND rating IS NOT NULL)",
             "not_really": "open_again OR outcome NOT IN ('solved', 'workaround') OR negative_answer",
             # a name from _GROUP_COLUMN, never input; without one, a single row (the total) always comes back
             "key": column or "NULL", "grouping": f"GROUPING({column})" if column else "1",
             "group_by": f"GROUP BY GROUPING SETS (({column}), ())" if column else ""}
    parts["teams"] = " AND team_id = ANY(%(teams)s)" if team_ids else ""
    parts["carried"] = ", ".join(BACKLOG_GROUP_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(_SQL_FIGURES.format(**parts), params)
        counted = {(row[0], bool(row[1])): row[2:] for row in cursor.fetchall()}
        cursor.execute(_SQL_BACKLOG.format(**parts), params)
        waiting = {(row[0], bool(row[1])): row[2:] for row in cursor.fetchall()}
    groups = {key: _row_sql(key, counted.get((key, False)), waiting.get((key, False)))
              for key, is_total in set(counted) | set(waiting) if not is_total}
    return groups, _row_sql(None, counted.get((None, True)), waiting.get((None, True)))


def _row_sql(key: Any, counted: tuple | None, waiting: tuple | None) -> Row:
    (created, solved, fr50, fr90, frb50, frb90, rs50, rs90, rsb50, rsb90, met, breached, really, not_really, fcr,
     reopened, answers, average, satisfied) = counted or (0, 0, *[None] * 8, 0, 0, 0, 0, 0, 0, 0, None, 0)
    backlog, age = waiting or (0, None)
    known = really + not_really
    return Row(
        key=key, label="", created=created, solved=solved, backlog=backlog,
        backlog_age_median_hours=_float(age), first_response_median=_float(fr50), first_response_p90=_float(fr90),
        first_response_business_median=_float(frb50), first_response_business_p90=_float(frb90),
        resolution_median=_float(rs50), resolution_p90=_float(rs90), resolution_business_median=_float(rsb50),
        resolution_business_p90=_float(rsb90),
        sla_attainment=met / (met + breached) if met + breached else None,
        really_solved_rate=really / known if known else None, fcr_rate=fcr / solved if solved else None,
        reopen_rate=reopened / solved if solved else None, csat_answers=answers,
        csat_average=_float(average), csat_satisfied_rate=satisfied / answers if answers else None)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _with_nps(row: Row, nps: float | None) -> Row:
    return row if nps is None else Row(**{**{f.name: getattr(row, f.name) for f in fields(Row)}, "nps": nps})


def _daily(rows: list[dict], period: Period) -> dict[str, list[float | None]]:
    """Per local day: tickets created and solved, and the median first response (hours)."""
    starts = [int(datetime.combine(day, time.min, tzinfo=period.zone).timestamp()) for day in period.dates()]
    starts.append(period.bounds[1])  # each local day's first second (days may be 23 or 25 hours long)
    created, solved = [0] * period.days, [0] * period.days
    first: list[list[float]] = [[] for _ in range(period.days)]
    for row in rows:
        n = _day_index(row["created_epoch"], starts)
        if n is not None:
            created[n] += 1
        n = _day_index(row["solved_epoch"], starts)
        if n is not None:
            solved[n] += 1
        n = _day_index(row["first_reply_epoch"], starts)
        if n is not None and row["first_reply_seconds"] is not None:
            first[n].append(row["first_reply_seconds"] / 3600)
    return {"created": created, "solved": solved, "first_response_median_hours": [percentile(v, 0.5) for v in first]}


def _day_index(value: int | None, starts: list[int]) -> int | None:
    if value is None or not starts[0] <= value < starts[-1]:
        return None
    return bisect_right(starts, value) - 1


def _arrivals(rows: list[dict], period: Period) -> list[list[int]]:
    """Tickets created in the period by local weekday (Monday first) and hour."""
    grid = [[0] * 24 for _ in range(7)]
    since, until = period.bounds
    for row in rows:
        if since <= row["created_epoch"] < until:
            local = datetime.fromtimestamp(row["created_epoch"], period.zone)
            grid[local.weekday()][local.hour] += 1
    return grid
