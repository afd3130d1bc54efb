"""Workspace pages and fragments: parse, call a selector or service, render."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import wraps
from urllib.parse import parse_qs

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atiende.accounts.permissions import is_agent
from atiende.core.errors import MESSAGES
from atiende.core.exceptions import DomainError, NotFound
from atiende.core.params import is_id_text
from atiende.macros.selectors import macro_choices
from atiende.metrics.models import OutcomeKind
from atiende.metrics.selectors import outcome_reasons
from atiende.tickets.models import Channel, Priority
from atiende.tickets.status import TicketStatus, behaviour

from . import selectors, services
from .models import InboxSort
from .params import Params
from .services import BulkAction

SUGGESTIONS = 8
MAX_QUERY_CHARS = 4000
FORM_CHOICES = {
    "status_choices": TicketStatus.choices,
    "settable_statuses": [(value, label) for value, label in TicketStatus.choices if behaviour(value).agent_settable],
    "priority_choices": Priority.choices,
    "channel_choices": Channel.choices,
    "sorts": InboxSort.choices,
    "outcome_choices": OutcomeKind.choices,
}


def agent_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Agents only: anonymous visitors sign in first; customers belong to the portal."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            if request.headers.get("HX-Request"):  # an expired session inside a fragment: reload whole
                return HttpResponse(status=204, headers={"HX-Redirect": reverse("accounts:login")})
            return redirect_to_login(request.get_full_path())
        if not is_agent(request.user):
            try:
                return redirect("portal:home")
            except NoReverseMatch:
                raise Http404() from None
        return view(request, *args, **kwargs)

    return wrapped


def _params(query: str) -> Params:
    """A query string (a form's hidden copy of the inbox URL) as the inbox reads its GET."""
    try:
        return parse_qs(query[:MAX_QUERY_CHARS], keep_blank_values=True, max_num_fields=100)
    except ValueError:
        return {}


def error_text(exc: DomainError) -> str:
    if exc.message:
        return str(exc.message)
    texts = [str(text) for text in exc.fields.values() if isinstance(text, str | Promise)]
    return " ".join(texts) or str(MESSAGES.get(exc.code, MESSAGES["invalid"]))


# --- inbox --------------------------------------------------------------------------------------

def _inbox_urls(resolved: selectors.ResolvedQuery, page: selectors.InboxPage) -> dict[str, str]:
    base = reverse("workspace:inbox")

    def at(**cursors) -> str:
        query = dataclasses.replace(resolved.query, **{"after": None, "before": None, **cursors})
        return f"{base}?{query.query_string(defaults=resolved.defaults)}"

    return {
        "next_url": at(after=page.next_cursor) if page.next_cursor else "",
        "previous_url": at(before=page.previous_cursor) if page.previous_cursor else "",
        "query_string": resolved.query_string(),
        "rows_url": f"{reverse('workspace:inbox-rows')}?{resolved.query_string()}",
        "counts_url": f"{reverse('workspace:view-counts')}?view={resolved.query.view}",
    }


def _render_inbox(request: HttpRequest, data: Params, *, status: int = 200, **extra) -> HttpResponse:
    user = request.user
    views = selectors.inbox_views(user=user)
    resolved = selectors.inbox_query(user=user, data=data, views=views)
    page = selectors.inbox_page(user=user, query=resolved.query)
    context = {
        "resolved": resolved, "query": resolved.query, "view": resolved.view, "page": page,
        # The counts (the page's costliest query) arrive just after it, from the counts fragment.
        "views": views, "counts": None,
        "choices": selectors.filter_choices(user=user, organization_id=resolved.query.filters.organization),
        "macros": [(m.pk, m.name) for m in macro_choices(user=user) if m.actions],
        "outcome_reasons": [(r.pk, r.name) for r in outcome_reasons()],  # for solving in bulk
        "poll_ms": settings.LIVE_INBOX_POLL_SECONDS * 1000,
        **FORM_CHOICES, **_inbox_urls(resolved, page), **extra,
    }
    return render(request, "workspace/inbox.html", context, status=status)


@agent_required
@require_GET
def inbox_view(request: HttpRequest) -> HttpResponse:
    return _render_inbox(request, dict(request.GET.lists()))


@agent_required
@require_GET
def inbox_rows_view(request: HttpRequest) -> HttpResponse:
    """The rows of the inbox for the same query: `<tbody id="inbox-rows">`, for htmx and live updates."""
    resolved = selectors.inbox_query(user=request.user, data=dict(request.GET.lists()))
    page = selectors.inbox_page(user=request.user, query=resolved.query)
    urls = _inbox_urls(resolved, page)
    response = render(request, "workspace/_rows.html", {"resolved": resolved, "page": page, **urls})
    if request.headers.get("HX-Trigger") == "inbox-filters":  # a filter change: the address follows
        response["HX-Push-Url"] = f"{reverse('workspace:inbox')}?{urls['query_string']}"
    return response


@agent_required
@require_GET
def view_counts_view(request: HttpRequest) -> HttpResponse:
    views = selectors.inbox_views(user=request.user)
    counts = selectors.view_counts(user=request.user, views=views)
    current = request.GET.get("view", "")
    context = {"views": views, "counts": counts, "counts_url": f"{reverse('workspace:view-counts')}?view={current}",
               "query": {"view": current}}
    return render(request, "workspace/_view_counts.html", context)


# --- bulk actions -------------------------------------------------------------------------------

BULK_VALUE_FIELDS = {
    BulkAction.ASSIGN: "assignee", BulkAction.STATUS: "status", BulkAction.PRIORITY: "priority",
    BulkAction.TAG: "tag", BulkAction.MERGE: "merge_into", BulkAction.MACRO: "macro",
}


def _bulk_done(outcome: services.BulkOutcome) -> str:
    count = len(outcome.ticket_ids)
    texts = {
        BulkAction.ASSIGN: ngettext("%(count)s ticket assigned.", "%(count)s tickets assigned.", count),
        BulkAction.STATUS: ngettext("Status changed on %(count)s ticket.", "Status changed on %(count)s tickets.", count),
        BulkAction.PRIORITY: ngettext("Priority changed on %(count)s ticket.", "Priority changed on %(count)s tickets.", count),
        BulkAction.TAG: ngettext("Tag added to %(count)s ticket.", "Tag added to %(count)s tickets.", count),
        BulkAction.MACRO: ngettext("Macro applied to %(count)s ticket.", "Macro applied to %(count)s tickets.", count),
        BulkAction.MERGE: ngettext("%(count)s ticket merged into %(ref)s.", "%(count)s tickets merged into %(ref)s.", count - 1),
    }
    ref = outcome.target.reference if outcome.target else ""
    return texts[BulkAction(outcome.action)] % {"count": count if outcome.target is None else count - 1, "ref": ref}


@agent_required
@require_POST
def bulk_view(request: HttpRequest) -> HttpResponse:
    data = _params(request.POST.get("query", ""))
    raw_ids = request.POST.getlist("ticket")
    # Digits that are no id (0, past 64 bits) stay in as 0: the service answers 404 for them.
    ids = [int(raw) if is_id_text(raw) else 0 for raw in raw_ids if raw.isascii() and raw.isdigit()]
    action = request.POST.get("action", "")
    value = request.POST.get(BULK_VALUE_FIELDS.get(action, ""), "") if action in BULK_VALUE_FIELDS else ""
    # Solving says how the tickets ended (the outcome box's fields), when the admin asks for it.
    details = {name: request.POST[name] for name in ("outcome", "outcome_reason") if request.POST.get(name)}
    try:
        if len(ids) != len(raw_ids):
            raise NotFound()
        outcome = services.inbox_bulk_apply(actor=request.user, ticket_ids=ids, action=action, value=value,
                                            solution=details)
    except DomainError as exc:
        if isinstance(exc, NotFound):
            exc = NotFound(_("Some of the selected tickets no longer exist or are not visible to you."))
        error = _("%(reason)s Nothing was changed.") % {"reason": error_text(exc)}
        return _render_inbox(request, data, status=exc.status, error=error, selected=set(ids))
    messages.success(request, _bulk_done(outcome))
    resolved = selectors.inbox_query(user=request.user, data=data)
    return redirect(f"{reverse('workspace:inbox')}?{resolved.query_string()}")


# --- saved views --------------------------------------------------------------------------------

@agent_required
@require_POST
def view_create_view(request: HttpRequest) -> HttpResponse:
    data = _params(request.POST.get("query", ""))
    resolved = selectors.inbox_query(user=request.user, data=data)
    name = request.POST.get("name", "")
    try:
        saved = services.saved_view_create(
            owner=request.user, name=name, filters=resolved.query.filters, ordering=resolved.query.sort
        )
    except DomainError as exc:
        return _render_inbox(request, data, status=exc.status, view_error=error_text(exc), view_name=name)
    messages.success(request, _("View “%(name)s” saved.") % {"name": saved.name})
    return redirect(f"{reverse('workspace:inbox')}?view={saved.pk}")


@agent_required
@require_http_methods(["GET", "POST"])
def view_edit_view(request: HttpRequest, view_id: int) -> HttpResponse:
    try:
        saved = selectors.saved_view_get(user=request.user, view_id=view_id)
        if request.method == "POST":
            saved = services.saved_view_rename(actor=request.user, view_id=view_id, name=request.POST.get("name", ""))
            messages.success(request, _("View renamed to “%(name)s”.") % {"name": saved.name})
            return redirect(f"{reverse('workspace:inbox')}?view={saved.pk}")
    except NotFound:
        raise Http404() from None
    except DomainError as exc:
        context = {"saved": saved, "error": error_text(exc), "name": request.POST.get("name", "")}
        return render(request, "workspace/view_edit.html", context, status=exc.status)
    return render(request, "workspace/view_edit.html", {"saved": saved, "name": saved.name})


@agent_required
@require_POST
def view_delete_view(request: HttpRequest, view_id: int) -> HttpResponse:
    try:
        services.saved_view_delete(actor=request.user, view_id=view_id)
    except NotFound:
        raise Http404() from None
    messages.success(request, _("View deleted."))
    return redirect("workspace:inbox")


# --- quick search -------------------------------------------------------------------------------

@agent_required
@require_GET
def search_view(request: HttpRequest) -> HttpResponse:
    result = selectors.ticket_search(user=request.user, text=request.GET.get("q", ""))
    rows = selectors.inbox_rows(result.tickets, snippets=result.snippets)
    return render(request, "workspace/search.html", {"result": result, "rows": rows, "search_text": result.text})


@agent_required
@require_GET
def search_suggestions_view(request: HttpRequest) -> HttpResponse:
    """Up to SUGGESTIONS matches under the header search box (htmx)."""
    result = selectors.ticket_search(user=request.user, text=request.GET.get("q", ""), limit=SUGGESTIONS)
    return render(request, "workspace/_search_suggestions.html", {"result": result})
