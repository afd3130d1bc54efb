"""The portal's "My returns and repairs": the customer's RMAs (an organization's admin, the
organization's), each with its steps, and the answer to a quote. Parse, call one service or
selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from atiende.core.exceptions import DomainError, NotFound
from atiende.returns import selectors as returns
from atiende.returns import services as return_services

from .access import customer_page


@customer_page
@require_GET
def rma_list_view(request: HttpRequest) -> HttpResponse:
    rows = returns.rma_list(user=request.user).prefetch_related(returns.ITEMS).order_by("-id")[:200]
    return render(request, "portal/rmas.html", {"rows": rows, "nav": "rmas"})


@customer_page
@require_http_methods(["GET", "POST"])
def rma_detail_view(request: HttpRequest, rma_id: int) -> HttpResponse:
    """POST `answer` = accept / decline: the customer's decision on the quote."""
    try:
        rma = returns.rma_get(user=request.user, rma_id=rma_id)
    except NotFound:
        raise Http404() from None
    error, status = "", 200
    if request.method == "POST":
        answer = request.POST.get("answer", "")
        try:
            return_services.rma_quote_decide(actor=request.user, rma=rma, accept=answer == "accept")
        except DomainError as exc:
            error, status = str(exc.message or exc.code), exc.status
        else:
            messages.success(request, _("Thank you: we received your answer.") if answer == "accept"
                             else _("Thank you: we will not do the paid work."))
            return redirect("portal:rma", rma_id=rma.pk)
    return render(request, "portal/rma.html", {
        "rma": rma, "events": returns.rma_timeline(rma=rma), "error": error, "nav": "rmas",
        "can_decide": returns.rma_actions(user=request.user, rma=rma).can_decide_quote}, status=status)
