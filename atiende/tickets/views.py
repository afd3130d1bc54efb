from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from atiende.accounts.permissions import is_agent
from atiende.core import clock
from atiende.core.exceptions import NotFound
from atiende.sla.selectors import badge_view

from . import selectors
from .api import attachment_response

PAGE_ROWS = 50


@login_required
@require_GET
def ticket_list_view(request: HttpRequest) -> HttpResponse:
    """A plain list of the tickets the agent may see (the full workspace is a later issue)."""
    by_deadline = request.GET.get("orden") == "sla"
    tickets = selectors.ticket_list(user=request.user, filters=selectors.TicketFilters(sla_running=by_deadline))
    tickets = tickets.order_by("sla_due_at", "id") if by_deadline else tickets.order_by("-updated_at", "-id")
    agent, now = is_agent(request.user), clock.now()
    rows = [(ticket, badge_view(ticket, now) if agent else None) for ticket in tickets[:PAGE_ROWS]]
    return render(request, "tickets/list.html", {"rows": rows, "is_agent": agent, "by_deadline": by_deadline})


@login_required
@require_GET
def attachment_view(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        return attachment_response(selectors.attachment_get(user=request.user, public_id=public_id))
    except NotFound:
        raise Http404() from None
