"""The inbox's query parameters: parsing, validation and serialisation (pure: no database).

A request's parameters, a built-in view and a saved view all have the same shape, a mapping
from parameter name to a list of strings, so a view is a bookmarked filter. Bad values are
dropped with a note the page shows; they never reach the database and never make a 500.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from atiende.core.params import (
    BadValue,
    check_text,
    encode_cursor,
    is_id_text,
    parse_count,
    parse_cursor,
)
from atiende.tickets.models import Channel, Priority
from atiende.tickets.status import TicketStatus

from .models import InboxSort

Params = Mapping[str, Sequence[str]]

FILTER_KEYS = ("status", "priority", "team", "assignee", "organization", "tag", "channel", "solved_within")
PAGE_KEYS = ("after", "before")
MAX_SOLVED_WITHIN_DAYS = 365
MAX_TAG_LENGTH = 50
# Priority order for the "priority" sort, most urgent first: each is one index-ordered segment.
PRIORITY_ORDER = (Priority.URGENT, Priority.HIGH, Priority.NORMAL, Priority.LOW)


@dataclass(frozen=True)
class InboxFilters:
    """Validated filters. `team` is "", "mine" or an id; `assignee` is "", "me", "none" or an id."""

    statuses: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    team: str = ""
    assignee: str = ""
    organization: int | None = None
    tag: str = ""
    channel: str = ""
    solved_within: int | None = None  # days

    def as_params(self) -> dict[str, list[str]]:
        """Every key, empty ones as [] (an explicit "any")."""
        return {
            "status": list(self.statuses),
            "priority": list(self.priorities),
            "team": [self.team] if self.team else [],
            "assignee": [self.assignee] if self.assignee else [],
            "organization": [str(self.organization)] if self.organization else [],
            "tag": [self.tag] if self.tag else [],
            "channel": [self.channel] if self.channel else [],
            "solved_within": [str(self.solved_within)] if self.solved_within else [],
        }

    def compact(self) -> dict[str, list[str]]:
        """Only the keys that filter: what a saved view stores."""
        return {key: values for key, values in self.as_params().items() if values}


@dataclass(frozen=True)
class Cursor:
    """A position in a sorted list: the segment (priority sort only), the sort value and the id."""

    segment: int
    value: datetime
    pk: int

    def encode(self) -> str:
        return encode_cursor(self.segment, self.value, self.pk)


@dataclass(frozen=True)
class InboxQuery:
    view: str = ""  # a built-in view's key or a saved view's id; "" when none
    filters: InboxFilters = field(default_factory=InboxFilters)
    sort: str = InboxSort.UPDATED
    after: Cursor | None = None
    before: Cursor | None = None

    def params(self, *, defaults: Params | None = None, with_page: bool = True) -> list[tuple[str, str]]:
        """The query as URL pairs: the view, the filters that differ from the view's (an emptied
        one as `key=`), the sort when not the view's, and the page cursor."""
        defaults = defaults or {}
        # `view` always: an empty one means "no view" rather than "the default view".
        pairs: list[tuple[str, str]] = [("view", self.view)]
        for key, values in self.filters.as_params().items():
            if list(defaults.get(key, [])) == values:
                continue
            pairs.extend((key, value) for value in values or [""])
        default_sort = (defaults.get("sort") or [InboxSort.UPDATED])[0]
        if self.sort != default_sort:
            pairs.append(("sort", self.sort))
        if with_page and self.after:
            pairs.append(("after", self.after.encode()))
        if with_page and self.before:
            pairs.append(("before", self.before.encode()))
        return pairs

    def query_string(self, *, defaults: Params | None = None, with_page: bool = True) -> str:
        return urlencode(self.params(defaults=defaults, with_page=with_page))


def parse_query(data: Params, *, view: str = "", defaults: Params | None = None) -> tuple[InboxQuery, list[str]]:
    """The query from request parameters over a view's `defaults` (its filters and "sort"): a
    key present in `data`, even empty, replaces the view's value. Returns the notes to show for
    every value dropped."""
    defaults = defaults or {}
    merged = {key: list(data[key]) if key in data else list(defaults.get(key, [])) for key in (*FILTER_KEYS, "sort")}
    notes: list[str] = []
    filters = parse_filters(merged, notes)
    sort = _one(merged.get("sort")) or InboxSort.UPDATED
    if sort not in InboxSort.values:
        notes.append(_("The sort order was not recognised; showing the most recently updated first."))
        sort = InboxSort.UPDATED
    after = _cursor(data.get("after"), sort, notes)
    before = _cursor(data.get("before"), sort, notes) if after is None else None
    return InboxQuery(view=view, filters=filters, sort=sort, after=after, before=before), notes


def parse_filters(data: Params, notes: list[str]) -> InboxFilters:
    statuses = _many(data.get("status"))
    if any(s not in TicketStatus.values for s in statuses):
        notes.append(_("An unknown status was ignored."))
        statuses = tuple(s for s in statuses if s in TicketStatus.values)
    priorities = _many(data.get("priority"))
    if any(p not in Priority.values for p in priorities):
        notes.append(_("An unknown priority was ignored."))
        priorities = tuple(p for p in priorities if p in Priority.values)
    team = _one(data.get("team"))
    if team and team != "mine" and not _is_id_text(team):
        notes.append(_("The team filter was not valid and was ignored."))
        team = ""
    assignee = _one(data.get("assignee"))
    if assignee and assignee not in ("me", "none") and not _is_id_text(assignee):
        notes.append(_("The assignee filter was not valid and was ignored."))
        assignee = ""
    organization = _one(data.get("organization"))
    if organization and not _is_id_text(organization):
        notes.append(_("The organization filter was not valid and was ignored."))
        organization = ""
    tag = " ".join(_one(data.get("tag")).split()).lower()
    if len(tag) > MAX_TAG_LENGTH:
        notes.append(_("The tag filter was too long and was ignored."))
        tag = ""
    elif not _is_storable(tag):  # it is saved with a view and sent to the database
        notes.append(_("The tag filter was not valid and was ignored."))
        tag = ""
    channel = _one(data.get("channel"))
    if channel and channel not in Channel.values:
        notes.append(_("An unknown channel was ignored."))
        channel = ""
    within = _one(data.get("solved_within"))
    if within and not _is_count_text(within, MAX_SOLVED_WITHIN_DAYS):
        notes.append(_("The solved-within filter was not valid and was ignored."))
        within = ""
    return InboxFilters(
        statuses=statuses, priorities=priorities, team=team, assignee=assignee,
        organization=int(organization) if organization else None, tag=tag, channel=channel,
        solved_within=int(within) if within else None,
    )


def segment_count(sort: str) -> int:
    return len(PRIORITY_ORDER) if sort == InboxSort.PRIORITY else 1


def _cursor(values: Sequence[str] | None, sort: str, notes: list[str]) -> Cursor | None:
    raw = _one(values)
    if not raw:
        return None
    try:
        segment, instant, pk = parse_cursor(raw, ("int", "instant", "id"))
        if not 0 <= segment < segment_count(sort):
            raise BadValue(segment)
    except BadValue:
        notes.append(_("The page link was not valid; showing the first page."))
        return None
    return Cursor(segment=segment, value=instant, pk=pk)


def _one(values: Sequence[str] | None) -> str:
    """The last non-empty value (a repeated single-valued key: the last one wins)."""
    found = [v.strip() for v in values or () if v and v.strip()]
    return found[-1] if found else ""


def _many(values: Sequence[str] | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in values or () if v and v.strip()))


def _is_id_text(value: str) -> bool:
    return is_id_text(value)


def _is_count_text(value: str, maximum: int) -> bool:
    try:
        parse_count(value, minimum=1, maximum=maximum)
    except BadValue:
        return False
    return True


def _is_storable(value: str) -> bool:
    try:
        check_text(value)
    except BadValue:
        return False
    return True
