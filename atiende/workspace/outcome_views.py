"""The ticket page's "outcome" box (solve with an outcome; the outcome and satisfaction of a
solved ticket) and the supervisors' "needs follow-up" list of bad satisfaction answers."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from atiende.accounts.permissions import is_staff_agent
from atiende.core.exceptions import DomainError, Forbidden, NotFound
from atiende.feedback import selectors as feedback
from atiende.metrics import selectors as metrics
from atiende.metrics.models import OutcomeKind
from atiende.tickets.permissions import can_edit_ticket
from atiende.tickets.selectors import ticket_get_for_agent
from atiende.tickets.services import ticket_update
from atiende.tickets.status import behaviour

from . import selectors
from .views import agent_required


@agent_required
@require_http_methods(["GET", "POST"])
def ticket_outcome_view(request: HttpRequest, number: int) -> HttpResponse:
    if not is_staff_agent(request.user):
        raise Http404()
    try:
        ticket = ticket_get_for_agent(user=request.user, number=number)
    except NotFound:
        raise Http404() from None
    errors: dict = {}
    problem = ""
    if request.method == "POST":
        details = {name: request.POST.get(name, "") for name in ("outcome", "outcome_reason", "outcome_asset")}
        try:
            ticket_update(actor=request.user, ticket=ticket, changes={"status": "solved"}, details=details)
        except DomainError as exc:
            errors, problem = dict(exc.fields), str(exc.message) if exc.message else ""
        else:
            if request.headers.get("HX-Request"):  # the status changed: the whole page shows it
                return HttpResponse(status=204, headers={"HX-Refresh": "true"})
            return redirect("tickets:detail", number=ticket.number)
    context = {**selectors.ticket_outcome_box(user=request.user, ticket=ticket), "errors": errors, "problem": problem,
               "given": request.POST, "can_solve": can_edit_ticket(request.user, ticket)
               and behaviour(ticket.status).is_active, "kinds": OutcomeKind.choices,
               "reasons": metrics.outcome_reasons()}
    return render(request, "workspace/_ticket_outcome.html", context, status=400 if errors or problem else 200)


@agent_required
@require_GET
def follow_up_view(request: HttpRequest) -> HttpResponse:
    """Bad satisfaction answers (≤ 2) for supervisors and administrators, newest first."""
    try:
        surveys = feedback.follow_up_list(user=request.user)
    except Forbidden:
        raise PermissionDenied() from None
    page = Paginator(surveys, 50).get_page(request.GET.get("page"))
    return render(request, "workspace/follow_up.html",
                  {"page": page, "nav": "follow-up", **selectors.nps_overview(user=request.user)})
