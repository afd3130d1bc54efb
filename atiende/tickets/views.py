from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from atiende.accounts.permissions import is_agent
from atiende.core.exceptions import NotFound

from . import selectors
from .api import attachment_response

PAGE_ROWS = 50


@login_required
@require_GET
def ticket_list_view(request: HttpRequest) -> HttpResponse:
    """A plain list of the tickets the agent may see (the full workspace is a later issue)."""
    tickets = selectors.ticket_list(user=request.user).order_by("-updated_at", "-id")[:PAGE_ROWS]
    return render(request, "tickets/list.html", {"tickets": tickets, "is_agent": is_agent(request.user)})


@login_required
@require_GET
def attachment_view(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        return attachment_response(selectors.attachment_get(user=request.user, public_id=public_id))
    except NotFound:
        raise Http404() from None
