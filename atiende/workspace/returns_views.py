"""The workspace's returns and repairs (RMA): the box on the ticket page (open one, see each one's
state and next steps), the list with filters, and an RMA's page with its timeline and the form
that moves it. Parse, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from atiende.assets import selectors as assets
from atiende.core.exceptions import DomainError
from atiende.returns import selectors as returns
from atiende.returns import services as return_services
from atiende.returns.flow import ReturnMethod, RmaState
from atiende.returns.models import RmaCoverage
from atiende.returns.permissions import can_open_rma
from atiende.tickets.selectors import ticket_get_for_agent

from .view_helpers import error_text, id_or_none, or_404, staff_only
from .views import agent_required

PAGE_ROWS = 200


def _step_labels(steps: list[str]) -> list[tuple[str, str]]:
    return [(step, RmaState(step).label) for step in steps]


# --- the ticket page's box ----------------------------------------------------------------------

@agent_required
@require_http_methods(["GET", "POST"])
def ticket_rmas_view(request: HttpRequest, number: int) -> HttpResponse:
    """The ticket page's "Returns and repairs" box; POST opens an RMA."""
    staff_only(request)
    ticket = or_404(ticket_get_for_agent, user=request.user, number=number)
    error = ""
    if request.method == "POST":
        error = _open(request, ticket)
        if not error and not request.headers.get("HX-Request"):
            return redirect("tickets:detail", number=ticket.number)
    rows = [{"rma": rma, "next": _step_labels(returns.rma_actions(user=request.user, rma=rma).next_states)}
            for rma in returns.rmas_of_ticket(user=request.user, ticket=ticket)[:50]]
    context = {"ticket": ticket, "rows": rows, "error": error, "methods": ReturnMethod.choices,
               "can_open": can_open_rma(request.user, ticket), "posted": request.POST if error else {},
               "assets": assets.assets_of_customer(user=request.user, customer=ticket.requester)[:100]}
    return render(request, "workspace/_ticket_rmas.html", context, status=400 if error else 200)


def _open(request: HttpRequest, ticket) -> str:
    post = request.POST
    chosen = [id_or_none(raw) for raw in post.getlist("assets")]
    coverage = post.get("coverage", "")
    try:
        return_services.rma_open(actor=request.user, ticket=ticket, assets=[i for i in chosen if i], reason=post.get("reason", ""),
                                 return_method=post.get("return_method", ""),
                                 coverage=coverage if coverage in RmaCoverage.values else None,
                                 quote_amount=post.get("quote_amount", "").strip() or None)
    except DomainError as exc:
        return error_text(exc)
    return ""


# --- the list and an RMA's page -----------------------------------------------------------------

def _filters(request: HttpRequest) -> returns.RmaFilters:
    state = request.GET.get("estado", "")
    return returns.RmaFilters(customer=id_or_none(request.GET.get("cliente", "")),
                              state=state if state in RmaState.values else "")


@agent_required
@require_GET
def rma_list_view(request: HttpRequest) -> HttpResponse:
    staff_only(request)
    rows = returns.rma_list(user=request.user, filters=_filters(request)).prefetch_related(returns.ITEMS)
    number = id_or_none(request.GET.get("ticket", ""))
    if number is not None:
        rows = rows.filter(ticket__number=number)
    return render(request, "workspace/rmas.html", {"rows": rows.order_by("-id")[:PAGE_ROWS], "params": request.GET,
                                                   "states": RmaState.choices})


@agent_required
@require_http_methods(["GET", "POST"])
def rma_detail_view(request: HttpRequest, rma_id: int) -> HttpResponse:
    """An RMA with its timeline; POST moves it one step (`to`, `note`, `replacement-<asset>`)."""
    staff_only(request)
    rma = or_404(returns.rma_get, user=request.user, rma_id=rma_id)
    error, status = "", 200
    if request.method == "POST":
        replacements = [{"asset": item.asset_id, "identifier": request.POST.get(f"replacement-{item.asset_id}", "")}
                        for item in rma.items.all()] if request.POST.get("to") == RmaState.REPLACED else None
        try:
            return_services.rma_transition(actor=request.user, rma=rma, to=request.POST.get("to", ""),
                                           note=request.POST.get("note", ""), replacements=replacements)
        except DomainError as exc:
            error, status = error_text(exc), exc.status
        else:
            messages.success(request, _("The RMA moved on; the customer was told."))
            return redirect("workspace:rma-detail", rma_id=rma.pk)
    actions = returns.rma_actions(user=request.user, rma=rma)
    return render(request, "workspace/rma_detail.html", {
        "rma": rma, "events": returns.rma_timeline(rma=rma), "next": _step_labels(actions.next_states),
        "can_move": actions.can_move, "error": error}, status=status)
