"""The workspace's goodwill credits: the "Offer amends" box on the ticket page, the pending
approvals page (supervisors and admins), the ledger with filters and its CSV export (finance:
supervisors and admins), and the ledger boxes of a customer and an organization. Parse, call one
service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atiende.accounts.models import Role
from atiende.core.csvexport import csv_response
from atiende.core.exceptions import DomainError
from atiende.credits import selectors as credits
from atiende.credits import services as credit_services
from atiende.credits.models import CreditKind, CreditStatus
from atiende.credits.permissions import can_manage_ledger, can_offer_credit, is_approver
from atiende.customers.selectors import customer_get, organization_get
from atiende.tickets.selectors import ticket_get_for_agent

from .view_helpers import error_text, id_or_none, or_404, staff_only
from .views import agent_required

PAGE_ROWS = 200


# --- the ticket page's box ----------------------------------------------------------------------

@agent_required
@require_http_methods(["GET", "POST"])
def ticket_credits_view(request: HttpRequest, number: int) -> HttpResponse:
    """The ticket page's "Offer amends" box; POST offers one."""
    staff_only(request)
    ticket = or_404(ticket_get_for_agent, user=request.user, number=number)
    error, notice = "", ""
    if request.method == "POST":
        post = request.POST
        try:
            credit = credit_services.credit_offer(actor=request.user, ticket=ticket, kind=post.get("kind", ""),
                                                  amount=post.get("amount", "").strip() or None, currency="MXN",
                                                  reason=post.get("reason", ""))
        except DomainError as exc:
            error = error_text(exc)
        else:
            notice = (_("Approved: the customer was told on the ticket.") if credit.status == CreditStatus.APPROVED
                      else _("Above your limit: it waits for a supervisor's or an admin's approval."))
            if not request.headers.get("HX-Request"):
                messages.success(request, notice)
                return redirect("tickets:detail", number=ticket.number)
    context = {"ticket": ticket, "rows": credits.credits_of_ticket(user=request.user, ticket=ticket)[:50],
               "kinds": CreditKind.choices, "can_offer": can_offer_credit(request.user, ticket), "error": error,
               "notice": notice, "posted": request.POST if error else {},
               "limits": credits.limits_for(request.user.role)}
    return render(request, "workspace/_ticket_credits.html", context, status=400 if error else 200)


# --- approvals ----------------------------------------------------------------------------------

@agent_required
@require_GET
def credit_approvals_view(request: HttpRequest) -> HttpResponse:
    if not is_approver(request.user):
        raise Http404()
    return render(request, "workspace/credit_approvals.html", {
        "rows": credits.pending_for(user=request.user)[:PAGE_ROWS],
        "limits": [(Role(limit.role).label, limit) for limit in credits.all_limits()],
        "mine": credits.limits_for(request.user.role),
        "month_so_far": credits.approved_this_month(approver=request.user)})


def _decide(request: HttpRequest, credit_id: int, decide) -> HttpResponse:
    staff_only(request)
    credit = or_404(credits.credit_get, user=request.user, credit_id=credit_id)
    try:
        decide(request, credit)
    except DomainError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("%(credit)s: done.") % {"credit": credit})
    return redirect("workspace:credit-approvals")


@agent_required
@require_POST
def credit_approve_view(request: HttpRequest, credit_id: int) -> HttpResponse:
    return _decide(request, credit_id, lambda r, c: credit_services.credit_approve(
        actor=r.user, credit=c, note=r.POST.get("note", "")))


@agent_required
@require_POST
def credit_reject_view(request: HttpRequest, credit_id: int) -> HttpResponse:
    return _decide(request, credit_id, lambda r, c: credit_services.credit_reject(
        actor=r.user, credit=c, note=r.POST.get("note", "")))


@agent_required
@require_POST
def credit_use_view(request: HttpRequest, credit_id: int) -> HttpResponse:
    staff_only(request)
    credit = or_404(credits.credit_get, user=request.user, credit_id=credit_id)
    try:
        credit_services.credit_mark_used(actor=request.user, credit=credit)
    except DomainError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("%(credit)s is marked used.") % {"credit": credit})
    return redirect(f"{reverse('workspace:credit-list')}?cliente={credit.customer_id}")


# --- the ledger ---------------------------------------------------------------------------------

def _filters(request: HttpRequest) -> credits.CreditFilters:
    status = request.GET.get("estado", "")
    return credits.CreditFilters(status=status if status in CreditStatus.values else "",
                                 customer=id_or_none(request.GET.get("cliente", "")),
                                 organization=id_or_none(request.GET.get("organizacion", "")))


@agent_required
@require_GET
def credit_list_view(request: HttpRequest) -> HttpResponse:
    staff_only(request)
    filters = _filters(request)
    return render(request, "workspace/credits.html", {
        "rows": credits.credit_list(user=request.user, filters=filters).order_by("-id")[:PAGE_ROWS],
        "ledger": credits.ledger(user=request.user, filters=filters), "params": request.GET,
        "statuses": CreditStatus.choices, "can_export": can_manage_ledger(request.user),
        "can_use": can_manage_ledger(request.user), "query": request.GET.urlencode()})


CSV_HEADER = ["credit", "created_at", "ticket", "customer", "organization", "kind", "amount", "currency", "status",
              "reason", "offered_by", "decided_by", "decided_at", "used_at"]


@agent_required
@require_GET
def credit_export_view(request: HttpRequest) -> HttpResponse:
    """The ledger for finance (supervisors and admins), the list's filters applied, as CSV."""
    if not can_manage_ledger(request.user):
        raise Http404()
    rows = credits.credit_list(user=request.user, filters=_filters(request)).order_by("id")
    return csv_response("creditos.csv", CSV_HEADER, (
        [str(c), c.created_at.isoformat(), c.ticket.number, c.customer.name, c.organization.name if c.organization else "",
         c.kind, str(c.amount) if c.amount is not None else "", c.currency, c.status, c.reason, c.requested_by.name,
         c.decided_by.name if c.decided_by else "", c.decided_at.isoformat() if c.decided_at else "",
         c.used_at.isoformat() if c.used_at else ""] for c in rows.iterator()))


@agent_required
@require_GET
def customer_credits_view(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The customer page's ledger box."""
    staff_only(request)
    customer = or_404(customer_get, user=request.user, customer_id=customer_id)
    filters = credits.CreditFilters(customer=customer.pk)
    return render(request, "workspace/_ledger.html", {
        "box_id": "customer-credits", "rows": credits.credit_list(user=request.user, filters=filters)[:50],
        "ledger": credits.ledger(user=request.user, filters=filters), "query": f"cliente={customer.pk}",
        "can_export": can_manage_ledger(request.user)})


@agent_required
@require_GET
def organization_credits_view(request: HttpRequest, organization_id: int) -> HttpResponse:
    """An organization's ledger page (every credit of its customers' tickets)."""
    staff_only(request)
    organization = or_404(organization_get, user=request.user, organization_id=organization_id)
    filters = credits.CreditFilters(organization=organization.pk)
    return render(request, "workspace/organization_credits.html", {
        "organization": organization, "box_id": "organization-credits",
        "rows": credits.credit_list(user=request.user, filters=filters)[:PAGE_ROWS],
        "ledger": credits.ledger(user=request.user, filters=filters), "query": f"organizacion={organization.pk}",
        "can_export": can_manage_ledger(request.user)})
