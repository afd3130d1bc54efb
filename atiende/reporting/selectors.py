"""Reads for staffing: arrivals per hour from ticket history, handling time per channel, and the
next week's plan (forecast, Erlang C or backlog, shrinkage) for supervisors and admins."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db.models import Count, Q
from django.db.models.functions import TruncHour
from django.utils.translation import gettext as _

from atiende.accounts.models import User
from atiende.calls.models import Call, Direction
from atiende.chat.models import ChatSession
from atiende.core import clock
from atiende.core.exceptions import Forbidden
from atiende.sla.calendar import mexican_holidays
from atiende.sla.models import Calendar
from atiende.sla.selectors import ALWAYS_OPEN_NAME
from atiende.tickets.models import AuthorKind, Channel, Message, MessageKind, Ticket

from . import erlang
from .forecast import HOURS_PER_WEEK, WeekForecast, forecast_week
from .inputs import InvalidFields, Targets, erlang_specs, fields
from .permissions import can_view_reports, can_view_staffing
from .staffing import HourPlan, mode_for, plan_channel

HISTORY_WEEKS = 8
# Kept two hours, read again every 30 minutes by the "staffing-history" job: the page finds it
# warm, and tickets imported late change it within half an hour.
HISTORY_CACHE_SECONDS = 2 * 3600
HANDLING_WEEKS = 4
# Contacts that are not customers' demand: notes and tickets agents open for themselves.
NOT_DEMAND = (Channel.INTERNAL,)
# A call or chat longer than this was left open, not worked: counted as this long.
MAX_HANDLING_SECONDS = 2 * 3600
# An agent's reply written within this long after their previous message was worked on in that
# stretch; a longer gap held a break or other work and says nothing about this reply.
MAX_TOUCH_GAP_SECONDS = 15 * 60
MIN_SAMPLES = 30
# The most recent rows read to measure handling time (enough for a stable mean, bounded work).
MAX_SAMPLES = 5000
# Without enough history: a typical first guess for each kind of channel, in seconds.
DEFAULT_AHT = {"chat": 480.0, "phone": 300.0}
DEFAULT_DEFERRED_AHT = 600.0


@dataclass(frozen=True)
class HandlingTime:
    seconds: float
    samples: int
    measured: bool  # False: too little history, the default was used


@dataclass(frozen=True)
class ChannelPlan:
    channel: str
    mode: str
    handling: HandlingTime
    forecast: WeekForecast
    hours: list[HourPlan]


@dataclass(frozen=True)
class StaffingPlan:
    week_start: datetime  # Monday 00:00 in `time_zone`
    time_zone: str
    targets: Targets
    history_weeks: int
    channels: list[ChannelPlan]
    arrivals: list[float]  # average arrivals per hour of week over the history, all channels

    @property
    def hour_starts(self) -> list[datetime]:
        return [self.week_start + timedelta(hours=h) for h in range(HOURS_PER_WEEK)]

    @property
    def scheduled_total(self) -> list[int]:
        return [sum(plan.hours[h].scheduled for plan in self.channels) for h in range(HOURS_PER_WEEK)]


def staffing_plan(*, viewer: User, targets: Targets, now: datetime | None = None,
                  weeks: int = HISTORY_WEEKS) -> StaffingPlan:
    """Next week's plan (the week from next Monday), from the `weeks` whole weeks before this one."""
    if not can_view_staffing(viewer):
        raise Forbidden()
    calendar, zone, this_monday = _week_frame(now)
    zone_name = zone.key
    first = this_monday - timedelta(weeks=weeks)
    next_monday = this_monday + timedelta(weeks=1)
    counts, handling = _history(calendar, first=first, weeks=weeks, zone=zone)
    days_off = holidays_of(calendar, first.year, next_monday.year + 1)
    history_flags = [(first + timedelta(hours=h)).date() in days_off for h in range(weeks * HOURS_PER_WEEK)]
    next_flags = [(next_monday + timedelta(hours=h)).date() in days_off for h in range(HOURS_PER_WEEK)]
    channels = []
    for channel in sorted(counts, key=_channel_order):
        forecast = forecast_week(counts[channel], history_holidays=history_flags, next_holidays=next_flags, ahead=2)
        aht = handling.get(channel) or default_handling(channel)
        channels.append(ChannelPlan(channel, mode_for(channel), aht, forecast,
                                    plan_channel(channel, forecast.hourly, aht_seconds=aht.seconds, targets=targets)))
    arrivals = [sum(counts[c][w * HOURS_PER_WEEK + h] for c in counts for w in range(weeks)) / weeks
                for h in range(HOURS_PER_WEEK)]
    return StaffingPlan(next_monday, zone_name, targets, weeks, channels, arrivals)


def staffing_history_warm(*, now: datetime | None = None, weeks: int = HISTORY_WEEKS) -> None:
    """Read this week's history again and keep it (the periodic job "staffing-history"), so the
    staffing page never pays for the read and a late import shows within the job's period."""
    calendar, zone, this_monday = _week_frame(now)
    _history(calendar, first=this_monday - timedelta(weeks=weeks), weeks=weeks, zone=zone, refresh=True)


def _week_frame(now: datetime | None) -> tuple[Calendar | None, ZoneInfo, datetime]:
    """The business calendar whose holidays and zone the plan uses (the first that is not the
    built-in 24/7), its zone, and this week's Monday 00:00 there."""
    calendar = Calendar.objects.exclude(name=ALWAYS_OPEN_NAME).order_by("pk").first()
    zone = ZoneInfo(calendar.time_zone if calendar else "UTC")
    local_now = (now or clock.now()).astimezone(zone)
    return calendar, zone, datetime.combine(local_now.date() - timedelta(days=local_now.weekday()),
                                            datetime.min.time(), zone)


def erlang_c(*, viewer: User, query: Mapping[str, str]) -> tuple[erlang.Staffing, int]:
    """The API's calculator: agents meeting the target, and heads to schedule after shrinkage.
    Raises InvalidFields for values that cannot be used, TooMuchLoad past erlang.MAX_AGENTS."""
    if not can_view_staffing(viewer):
        raise Forbidden()
    values = fields(query, erlang_specs())
    found = erlang.agents_needed(contacts_per_hour=values["contacts_per_hour"], aht_seconds=values["aht_seconds"],
                                 target_seconds=values["target_seconds"], service_level_target=values["service_level"])
    return found, erlang.scheduled_heads(found.agents, shrinkage=values["shrinkage"])


# --- history -------------------------------------------------------------------------------------

def _history(calendar: Calendar | None, *, first: datetime, weeks: int, zone: ZoneInfo,
             refresh: bool = False) -> tuple[dict[str, list[float]], dict[str, HandlingTime]]:
    """Arrivals and handling times of the whole weeks before this one. They describe the past,
    so they are kept in the cache for HISTORY_CACHE_SECONDS: the page's requests (a target
    changed, the CSV) only recompute the plan. A calendar change makes a new key."""
    until = first + timedelta(weeks=weeks)
    stamp = f"{calendar.pk}:{calendar.updated_at.timestamp()}" if calendar else "-"
    key = f"staffing:history:v1:{stamp}:{first.isoformat()}:{weeks}"
    kept = None if refresh else cache.get(key)
    if kept is None:
        kept = (arrivals_by_hour(start=first, weeks=weeks, zone=zone), handling_times(until=until, weeks=HANDLING_WEEKS))
        cache.set(key, kept, HISTORY_CACHE_SECONDS)
    return kept


def arrivals_by_hour(*, start: datetime, weeks: int, zone: ZoneInfo) -> dict[str, list[float]]:
    """Tickets created per channel and local hour from `start` (a local Monday 00:00), one list
    of weeks × 168 per channel that had any. Merged tickets count: each was a contact."""
    end = start + timedelta(weeks=weeks)
    rows = (Ticket.objects.filter(created_at__gte=start, created_at__lt=end).exclude(channel__in=NOT_DEMAND)
            .annotate(hour=TruncHour("created_at", tzinfo=zone)).values("channel", "hour")
            .annotate(n=Count("id")).order_by())
    naive_start = start.replace(tzinfo=None)
    counts: dict[str, list[float]] = defaultdict(lambda: [0.0] * (weeks * HOURS_PER_WEEK))
    for row in rows:
        index = int((row["hour"].astimezone(zone).replace(tzinfo=None) - naive_start).total_seconds() // 3600)
        if 0 <= index < weeks * HOURS_PER_WEEK:
            counts[row["channel"]][index] += row["n"]
    return dict(counts)


def holidays_of(calendar: Calendar | None, first_year: int, last_year: int) -> set[date]:
    """The calendar's public holidays and closures (dates in its time zone)."""
    if calendar is None:
        return set()
    days = {date.fromisoformat(day) for day in calendar.closures}
    if calendar.holidays == "MX":
        for year in range(first_year, last_year + 1):
            days.update(mexican_holidays(year))
    return days


def handling_times(*, until: datetime, weeks: int) -> dict[str, HandlingTime]:
    """Average handling time per channel over the `weeks` before `until` (see decision 0037):
    phone, answered inbound calls' talk time; chat, accepted to ended; written channels, each agent
    reply's touch time (since the same agent's previous message, when within
    MAX_TOUCH_GAP_SECONDS) times agent replies per ticket."""
    since = until - timedelta(weeks=weeks)
    found: dict[str, HandlingTime] = {}
    calls = list(Call.objects.filter(answered_at__gte=since, answered_at__lt=until, duration_seconds__gt=0,
                                     direction=Direction.INBOUND)
                 .order_by("-answered_at").values_list("duration_seconds", flat=True)[:MAX_SAMPLES])
    found["phone"] = _mean_handling([min(s, MAX_HANDLING_SECONDS) for s in calls])
    chats = ChatSession.objects.filter(accepted_at__gte=since, accepted_at__lt=until, ended_at__isnull=False)
    spans = [(ended - accepted).total_seconds() for accepted, ended in
             chats.order_by("-accepted_at").values_list("accepted_at", "ended_at")[:MAX_SAMPLES]]
    found["chat"] = _mean_handling([min(max(s, 0.0), MAX_HANDLING_SECONDS) for s in spans])
    found.update(_written_handling(since, until))
    return {channel: value for channel, value in found.items() if value.measured}


def _mean_handling(samples: list[float]) -> HandlingTime:
    if len(samples) < MIN_SAMPLES:
        return HandlingTime(0.0, len(samples), False)
    return HandlingTime(sum(samples) / len(samples), len(samples), True)


def _written_handling(since: datetime, until: datetime) -> dict[str, HandlingTime]:
    agent_messages = Message.objects.filter(created_at__gte=since, created_at__lt=until, author_kind=AuthorKind.AGENT,
                                            author_user__isnull=False)
    recent = list(agent_messages.order_by("-created_at").values_list("author_user_id", "created_at", "channel", "kind")
                  [:MAX_SAMPLES])
    recent.sort(key=lambda row: (row[0], row[1]))
    touches: dict[str, list[float]] = defaultdict(list)
    for previous, current in zip(recent, recent[1:], strict=False):
        gap = (current[1] - previous[1]).total_seconds()
        if previous[0] == current[0] and current[3] == MessageKind.PUBLIC and 0 < gap <= MAX_TOUCH_GAP_SECONDS:
            touches[current[2]].append(gap)
    replies = dict(agent_messages.filter(kind=MessageKind.PUBLIC).values_list("channel").annotate(n=Count("id"))
                   .order_by().values_list("channel", "n"))
    tickets = dict(Ticket.objects.filter(created_at__gte=since, created_at__lt=until).values_list("channel")
                   .annotate(n=Count("id")).order_by().values_list("channel", "n"))
    found = {}
    for channel, gaps in touches.items():
        if mode_for(channel) != "backlog" or len(gaps) < MIN_SAMPLES or not tickets.get(channel):
            continue
        per_ticket = max(1.0, replies.get(channel, 0) / tickets[channel])
        found[channel] = HandlingTime(sum(gaps) / len(gaps) * per_ticket, len(gaps), True)
    return found


def default_handling(channel: str) -> HandlingTime:
    return HandlingTime(DEFAULT_AHT.get(channel, DEFAULT_DEFERRED_AHT), 0, False)


def _channel_order(channel: str) -> tuple[int, str]:
    order = [choice.value for choice in Channel]
    return (order.index(channel) if channel in order else len(order), channel)



# --- reports (the aggregation is reporting.summary) ---------------------------------------------------

def report_summary(*, viewer: User, query: Mapping[str, str], compare: bool = True, series: bool = True):
    """The report the query asks for (reporting.inputs.report_query), days in the viewer's zone.

    Forbidden for anyone but supervisors and admins, before the query is read; InvalidFields
    for bad filters."""
    from atiende.assets.selectors import viewer_zone

    from .inputs import report_query
    from .summary import Period, summary

    if not can_view_reports(viewer):
        raise Forbidden()
    zone = viewer_zone(viewer)
    asked = report_query(query, today=clock.now().astimezone(zone).date())
    return summary(period=Period(asked.first, asked.last, zone), group_by=asked.group_by, team_ids=asked.team_ids,
                   compare=compare, series=series)


DRILL_METRICS = ("created", "solved", "backlog", "first_response", "reopened", "rated")
DRILL_LIMIT = 500


def report_tickets(*, viewer: User, query: Mapping[str, str]):
    """The tickets behind one figure: `metric` (DRILL_METRICS) of the group `key` (of `group_by`)
    in the period, among the tickets the viewer may see; newest first, at most DRILL_LIMIT."""
    from atiende.assets.selectors import viewer_zone
    from atiende.metrics.models import TicketFact
    from atiende.tickets.permissions import ticket_scope

    from .inputs import report_query
    from .summary import _GROUP_COLUMN, Period, backlog_condition

    if not can_view_reports(viewer):
        raise Forbidden()
    zone = viewer_zone(viewer)
    asked = report_query(query, today=clock.now().astimezone(zone).date())
    metric = query.get("metric") or ""
    if metric not in DRILL_METRICS:
        raise InvalidFields({"metric": _("Choose one of: %(choices)s.") % {"choices": ", ".join(DRILL_METRICS)}})
    period = Period(asked.first, asked.last, zone)
    since, until = period.bounds
    conditions = {
        "created": Q(created_epoch__gte=since, created_epoch__lt=until),
        "solved": Q(solved_epoch__gte=since, solved_epoch__lt=until),
        "backlog": backlog_condition(min(until, int(clock.now().timestamp()))),
        "first_response": Q(first_reply_epoch__gte=since, first_reply_epoch__lt=until),
        "reopened": Q(solved_epoch__gte=since, solved_epoch__lt=until, reopens__gt=0),
        "rated": Q(rated_epoch__gte=since, rated_epoch__lt=until, rating__isnull=False),
    }
    facts = TicketFact.objects.filter(conditions[metric])
    if asked.team_ids:
        facts = facts.filter(team_id__in=asked.team_ids)
    column = _GROUP_COLUMN.get(asked.group_by)
    if column and "key" in query:
        key = query.get("key") or ""
        if column.endswith("_id"):
            if key and not (key.isascii() and key.isdigit()):
                raise InvalidFields({"key": _("Give the group's id.")})
            facts = facts.filter(**({column: int(key)} if key else {f"{column}__isnull": True}))
        else:
            facts = facts.filter(**{column: key})
    tickets = (Ticket.objects.filter(ticket_scope(viewer), pk__in=facts.values("ticket_id"))
               .select_related("team", "assignee", "requester").order_by("-created_at", "-id"))
    return asked, metric, list(tickets[:DRILL_LIMIT])
