"""Reads for the agent workspace: views, inbox pages, view counts and quick search.

Every ticket read goes through `tickets.selectors.ticket_list`, so what an agent finds here is
exactly what the API and the ticket page would let them see.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from atiende.accounts.models import Role, Team, User, UserKind
from atiende.accounts.permissions import can_view_directory, is_admin, is_agent, is_staff_agent
from atiende.accounts.selectors import team_ids_of
from atiende.assets import selectors as assets
from atiende.core import clock
from atiende.core.db import is_id
from atiende.core.exceptions import NotFound
from atiende.core.params import is_id_text
from atiende.customers import selectors as customer_selectors
from atiende.customers.models import Customer
from atiende.customers.selectors import organization_list
from atiende.feedback import selectors as feedback
from atiende.metrics import selectors as metrics
from atiende.sla.selectors import BadgeView, badge_view
from atiende.tickets import text_search
from atiende.tickets.models import CustomerMerge, Ticket
from atiende.tickets.permissions import sees_internal
from atiende.tickets.selectors import (
    CustomerMergePreview,
    TicketFilters,
    customer_merge_preview,
    for_pages,
    tag_names_by_ticket,
    ticket_list,
)
from atiende.tickets.status import ACTIVE_STATUSES, TicketStatus

from .models import InboxSort, SavedView
from .params import (
    FILTER_KEYS,
    PRIORITY_ORDER,
    Cursor,
    InboxFilters,
    InboxQuery,
    Params,
    parse_query,
)

PAGE_ROWS = 50
COUNT_CAP = 999  # counts above this show as "999+": counting stops there, whatever the table size
ORGANIZATION_OPTIONS = 500  # the filter's list; a filtered organization outside it is added
SEARCH_MIN_CHARS = 2
SEARCH_MAX_CHARS = 100

# Built-in views live in code, not rows: every agent has them and they change with releases.
_ACTIVE = [s for s in TicketStatus.values if s in ACTIVE_STATUSES]


@dataclass(frozen=True)
class InboxView:
    key: str  # what `?view=` carries: a built-in key or a saved view's id
    label: str | Promise
    filters: Mapping[str, list[str]]
    sort: str = InboxSort.UPDATED
    saved: SavedView | None = None

    @property
    def defaults(self) -> dict[str, list[str]]:
        return {**self.filters, "sort": [self.sort]}


BUILTIN_VIEWS: tuple[InboxView, ...] = (
    InboxView("mine", _("My open tickets"), {"status": _ACTIVE, "assignee": ["me"]}),
    InboxView("unassigned", _("Unassigned in my teams"), {"status": _ACTIVE, "team": ["mine"], "assignee": ["none"]}),
    InboxView("open", _("All open"), {"status": _ACTIVE}),
    InboxView("pending", _("Pending customer"), {"status": [TicketStatus.PENDING_CUSTOMER]}),
    InboxView("solved", _("Recently solved"), {"status": [TicketStatus.SOLVED, TicketStatus.CLOSED], "solved_within": ["7"]}),
)
DEFAULT_VIEW = "open"


def saved_view_list(*, user: User) -> QuerySet[SavedView]:
    """The user's own saved views; nobody sees another's."""
    if not is_agent(user):
        return SavedView.objects.none()
    return SavedView.objects.filter(owner=user).order_by("name", "id")


def saved_view_get(*, user: User, view_id: object) -> SavedView:
    pk = (int(view_id) if is_id_text(view_id) else None) if isinstance(view_id, str) else view_id
    found = saved_view_list(user=user).filter(pk=pk).first() if is_id(pk) else None
    if found is None:
        raise NotFound()
    return found


def _as_view(saved: SavedView) -> InboxView:
    return InboxView(str(saved.pk), saved.name, dict(saved.filters), saved.ordering, saved)


def inbox_views(*, user: User) -> list[InboxView]:
    """Built-in views, then the user's saved ones (one query)."""
    return [*BUILTIN_VIEWS, *(_as_view(saved) for saved in saved_view_list(user=user))]


def inbox_view_get(*, user: User, key: str, views: Sequence[InboxView] | None = None) -> InboxView | None:
    """The view `?view=` names, from `views` when given (no query), else built-in or saved."""
    if views is not None:
        return next((view for view in views if view.key == key), None)
    builtin = next((view for view in BUILTIN_VIEWS if view.key == key), None)
    if builtin is not None or not is_id_text(key):
        return builtin
    try:
        return _as_view(saved_view_get(user=user, view_id=key))
    except NotFound:
        return None


@dataclass(frozen=True)
class ResolvedQuery:
    query: InboxQuery
    view: InboxView | None
    notes: list[str]

    @property
    def defaults(self) -> dict[str, list[str]]:
        return self.view.defaults if self.view else {}

    def query_string(self, *, with_page: bool = True) -> str:
        return self.query.query_string(defaults=self.defaults, with_page=with_page)


def inbox_query(*, user: User, data: Params, views: Sequence[InboxView] | None = None) -> ResolvedQuery:
    """The inbox query a request asks for: its view (the default one when the request has neither
    a `view` key nor a filter) with the request's filters over it. An unknown view is ignored
    with a note."""
    notes: list[str] = []
    key = (list(data.get("view") or []) or [""])[-1].strip()
    if "view" not in data and not any(name in data for name in (*FILTER_KEYS, "sort")):
        key = DEFAULT_VIEW
    view = inbox_view_get(user=user, key=key, views=views) if key else None
    if key and view is None:
        notes.append(str(_("That view does not exist (or is not yours); showing the filters alone.")))
    query, parse_notes = parse_query(data, view=view.key if view else "", defaults=view.defaults if view else None)
    return ResolvedQuery(query, view, notes + parse_notes)


# --- filtering ----------------------------------------------------------------------------------

def _filtered(*, user: User, filters: InboxFilters, sla_running: bool = False) -> QuerySet[Ticket]:
    assignee = filters.assignee
    qs = ticket_list(
        user=user,
        filters=TicketFilters(
            status=list(filters.statuses) or None,
            priority=list(filters.priorities) or None,
            team_id=int(filters.team) if is_id_text(filters.team) else None,
            assignee_id=user.pk if assignee == "me" else int(assignee) if is_id_text(assignee) else None,
            unassigned=assignee == "none",
            organization_id=filters.organization,
            tag=filters.tag or None,
            channel=filters.channel or None,
            sla_running=sla_running,
        ),
    )
    # Two narrowings TicketFilters does not offer; both only ever remove rows from its scope.
    if filters.team == "mine":
        qs = qs.filter(team_id__in=team_ids_of(user))
    if filters.solved_within:
        qs = qs.filter(solved_at__gte=clock.now() - timedelta(days=filters.solved_within))
    return for_pages(qs)


# --- pages --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SortSpec:
    field: str
    descending: bool

    def ordering(self, *, reverse: bool = False) -> tuple[str, str]:
        down = self.descending != reverse
        return (f"-{self.field}" if down else self.field, "-id" if down else "id")


SORTS = {
    InboxSort.UPDATED: SortSpec("updated_at", descending=True),
    InboxSort.CREATED: SortSpec("created_at", descending=True),
    InboxSort.PRIORITY: SortSpec("updated_at", descending=True),  # within each priority
    InboxSort.SLA: SortSpec("sla_due_at", descending=False),
}


@dataclass(frozen=True)
class InboxRow:
    ticket: Ticket
    badge: BadgeView
    tags: list[str]
    snippet: str = ""  # safe HTML from the search engine (matches in <mark>), search results only


@dataclass(frozen=True)
class InboxPage:
    rows: list[InboxRow]
    next_cursor: Cursor | None
    previous_cursor: Cursor | None


def inbox_page(*, user: User, query: InboxQuery) -> InboxPage:
    """One page of PAGE_ROWS tickets by keyset: the cost is the same on page 1 and page 10,000.

    The "priority" sort walks one index-ordered segment per priority (urgent first) instead of
    sorting the whole list by a computed rank."""
    base = _filtered(user=user, filters=query.filters, sla_running=query.sort == InboxSort.SLA)
    spec = SORTS[InboxSort(query.sort)]
    segments = _segments(query)
    if query.before is not None:
        tickets, more_before = _walk(base, spec, segments, query.before, backwards=True)
        if more_before:
            tickets.reverse()
            return _page(tickets, query.sort, next_exists=True, previous_exists=True)
        # Fewer than a page before this point: show the first page, full.
    tickets, more = _walk(base, spec, segments, query.after, backwards=False)
    return _page(tickets, query.sort, next_exists=more, previous_exists=query.after is not None)


def _segments(query: InboxQuery) -> list[tuple[int, Q]]:
    if query.sort != InboxSort.PRIORITY:
        return [(0, Q())]
    wanted = query.filters.priorities
    return [(i, Q(priority=p)) for i, p in enumerate(PRIORITY_ORDER) if not wanted or p in wanted]


def _walk(
    base: QuerySet[Ticket], spec: SortSpec, segments: list[tuple[int, Q]], cursor: Cursor | None, *, backwards: bool
) -> tuple[list[Ticket], bool]:
    """Up to PAGE_ROWS tickets after (or before) `cursor`, and whether more lie beyond."""
    wanted = PAGE_ROWS + 1
    found: list[Ticket] = []
    ordered = list(reversed(segments)) if backwards else segments
    for index, condition in ordered:
        if cursor is not None and (index > cursor.segment if backwards else index < cursor.segment):
            continue
        qs = base.filter(condition)
        if cursor is not None and index == cursor.segment:
            qs = qs.filter(*_beyond(spec, cursor, backwards=backwards))
        found += list(qs.order_by(*spec.ordering(reverse=backwards))[: wanted - len(found)])
        if len(found) == wanted:
            break
    return found[:PAGE_ROWS], len(found) == wanted


def _beyond(spec: SortSpec, cursor: Cursor, *, backwards: bool) -> tuple[Q, Q]:
    op = "lt" if spec.descending != backwards else "gt"
    # The first term gives the index a range bound to start from; the OR alone does not.
    return Q(**{f"{spec.field}__{op}e": cursor.value}), Q(**{f"{spec.field}__{op}": cursor.value}) | Q(**{f"id__{op}": cursor.pk})


def inbox_rows(tickets: list[Ticket], *, snippets: Mapping[int, str] | None = None) -> list[InboxRow]:
    """Rows for tickets already read through the policy: SLA badge and tag names (one query)."""
    now = clock.now()
    tags = tag_names_by_ticket(tickets)
    snippets = snippets or {}
    return [InboxRow(ticket, badge_view(ticket, now), tags[ticket.pk], snippets.get(ticket.pk, "")) for ticket in tickets]


def _page(tickets: list[Ticket], sort: str, *, next_exists: bool, previous_exists: bool) -> InboxPage:
    rows = inbox_rows(tickets)
    first, last = (tickets[0], tickets[-1]) if tickets else (None, None)
    return InboxPage(
        rows=rows,
        next_cursor=_cursor_of(last, sort) if next_exists and last else None,
        previous_cursor=_cursor_of(first, sort) if previous_exists and first else None,
    )


def _cursor_of(ticket: Ticket, sort: str) -> Cursor:
    segment = PRIORITY_ORDER.index(ticket.priority) if sort == InboxSort.PRIORITY else 0
    return Cursor(segment=segment, value=getattr(ticket, SORTS[InboxSort(sort)].field), pk=ticket.pk)


# --- counts -------------------------------------------------------------------------------------

def view_counts(*, user: User, views: Sequence[InboxView], cap: int = COUNT_CAP) -> dict[str, int]:
    """Tickets in each view, counted up to `cap` + 1 (shown as "999+"), all in one query.

    Each count reads at most `cap` + 1 index entries (a LIMITed subquery), so the sidebar
    costs the same at a thousand tickets or a million."""
    parts: list[str] = []
    params: list[object] = []
    for view in views:
        query, _notes = parse_query({}, defaults=view.defaults)
        qs = _filtered(user=user, filters=query.filters, sla_running=query.sort == InboxSort.SLA)
        inner = qs.order_by().values("pk")[: cap + 1]
        try:
            sql, inner_params = inner.query.get_compiler(using=inner.db).as_sql()
        except EmptyResultSet:  # e.g. "my teams" for an agent in no team
            parts.append("0")
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS view_{len(parts)})")
        params.extend(inner_params)
    if not parts:
        return {}
    with connections[Ticket.objects.db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        counts = cursor.fetchone()
    return {view.key: int(count) for view, count in zip(views, counts, strict=True)}


# --- filter choices -----------------------------------------------------------------------------

@dataclass(frozen=True)
class FilterChoices:
    """(id, name) pairs: plain tuples, since 500 organizations as model objects cost milliseconds."""

    teams: list[tuple[int, str]]
    agents: list[tuple[int, str]]
    organizations: list[tuple[int, str]]


def filter_choices(*, user: User, organization_id: int | None = None) -> FilterChoices:
    """Teams, assignable agents and organizations for the filter and bulk forms (ids and names)."""
    directory = can_view_directory(user)
    teams = list(Team.objects.order_by("name").values_list("id", "name")) if directory else []
    agents = list(
        User.objects.filter(kind=UserKind.AGENT, is_active=True, role__in=[Role.ADMIN, Role.SUPERVISOR, Role.AGENT])
        .order_by("name", "id").values_list("id", "name")
    ) if directory else []
    visible = organization_list(user=user).select_related(None).order_by("name", "id").values_list("id", "name")
    organizations = list(visible[:ORGANIZATION_OPTIONS])
    if organization_id is not None and all(pk != organization_id for pk, _name in organizations):
        organizations += list(visible.filter(pk=organization_id))
    return FilterChoices(teams, agents, organizations)


# --- quick search -------------------------------------------------------------------------------

@dataclass(frozen=True)
class SearchResult:
    text: str  # the search as understood (trimmed)
    tickets: list[Ticket]
    too_short: bool = False
    snippets: dict[int, str] = field(default_factory=dict)  # safe HTML per ticket id, matches in <mark>


def ticket_search(*, user: User, text: str, limit: int = PAGE_ROWS) -> SearchResult:
    """Tickets `user` may see whose number is the text ("1234" or "#1234"), then those whose
    words match it (subject, messages — internal notes for agents —, requester's name and
    address, tags; accents, case and plurals do not matter, the last word may be unfinished),
    the most recently updated first, each with a snippet of where it matched."""
    text = " ".join((text or "").replace("\x00", "").split())[:SEARCH_MAX_CHARS]  # PostgreSQL refuses NUL
    number_text = text.removeprefix("#").strip()
    number = int(number_text) if is_id_text(number_text) else None
    exact = list(for_pages(ticket_list(user=user)).filter(number=number)[:1]) if number is not None and is_id(number) else []
    if len(text) < SEARCH_MIN_CHARS:
        return SearchResult(text, exact, too_short=not exact)
    others = (
        for_pages(ticket_list(user=user, filters=TicketFilters(text=text)))
        .exclude(pk__in=[t.pk for t in exact])
        .order_by("-updated_at", "-id")[: max(limit - len(exact), 0)]
    )
    with text_search.engine().reading():
        tickets = exact + list(others)
    snippets = text_search.engine().snippets(tickets, text=text, private=sees_internal(user))
    return SearchResult(text, tickets, snippets=snippets)


# --- merging customer profiles (the panel on the customer page) -----------------------------------

@dataclass(frozen=True)
class CustomerMergePanel:
    customer: Customer
    search_text: str
    candidates: list[Customer]  # profiles matching the search, to pick the survivor from
    preview: CustomerMergePreview | None  # once a target is picked
    merged_here: list[CustomerMerge]  # profiles merged into this one (not undone), newest first
    can_undo: bool


def customer_merge_panel(*, user: User, customer_id: int, text: str = "", target_id: int | None = None) -> CustomerMergePanel:
    """What the "Merge into…" panel of a customer page shows: staff agents only (NotFound for
    anyone else, as the page itself). The merge rules are checked when the merge is made."""
    if not is_staff_agent(user):
        raise NotFound()
    customer = customer_selectors.customer_get(user=user, customer_id=customer_id)
    preview = None
    if target_id is not None:
        target = customer_selectors.customer_get(user=user, customer_id=target_id)
        preview = customer_merge_preview(source=customer, target=target)
    merged_here = list(CustomerMerge.objects.filter(target=customer, undone_at__isnull=True)
                       .select_related("source", "actor").order_by("-created_at", "-id"))
    return CustomerMergePanel(
        customer=customer, search_text=text,
        candidates=customer_selectors.customer_search(user=user, text=text, exclude_id=customer.pk) if text else [],
        preview=preview, merged_here=merged_here, can_undo=is_admin(user),
    )


def ticket_outcome_box(*, user: User, ticket: Ticket) -> dict:
    """The ticket page's outcome box: the products an outcome may name (linked first), and for a
    solved ticket how it ended and what the customer answered. The caller may see `ticket`."""
    linked = [row.asset for row in assets.assets_of_ticket(user=user, ticket=ticket)]
    products = linked + list(assets.linkable_assets(user=user, ticket=ticket).select_related("product")[:100])
    return {"ticket": ticket, "products": products, "outcome": metrics.latest_outcome(ticket),
            "satisfaction": feedback.satisfaction_by_ticket([ticket]).get(ticket.pk)}


def nps_overview(*, user: User) -> dict:
    """The NPS box of the supervisors' satisfaction page: the last NPS_INTERVAL_DAYS and each of the
    last twelve months, in the viewer's time zone (the caller has checked who may see it)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from django.conf import settings

    try:
        zone = ZoneInfo(user.time_zone or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo(settings.TIME_ZONE)
    now = clock.now()
    local = now.astimezone(zone)
    year_ago = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    year_ago = year_ago.replace(year=year_ago.year - 1) if year_ago.month == 12 else year_ago.replace(
        year=year_ago.year - 1, month=year_ago.month + 1)
    return {"nps": feedback.nps_summary(now - timedelta(days=settings.NPS_INTERVAL_DAYS), now),
            "nps_days": settings.NPS_INTERVAL_DAYS,
            "nps_series": feedback.nps_series(year_ago, now, period="month", tz=zone)}
