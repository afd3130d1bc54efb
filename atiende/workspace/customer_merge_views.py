"""The "Merge into…" panel of a customer page (loaded into /clientes/<id>/ with htmx, or a page of
its own without JavaScript) and its two actions: merge, and undo (administrators)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from atiende.core.exceptions import DomainError, NotFound
from atiende.core.params import is_id_text
from atiende.customers.selectors import customer_get
from atiende.tickets.selectors import customer_merge_get
from atiende.tickets.services.customer_merge import customer_merge, customer_merge_undo

from . import selectors
from .views import agent_required


def _panel(request: HttpRequest, customer_id: int, *, text: str = "", target: str = "", error: DomainError | None = None,
           status: int = 200) -> HttpResponse:
    try:
        panel = selectors.customer_merge_panel(user=request.user, customer_id=customer_id, text=text,
                                               target_id=int(target) if is_id_text(target) else None)
    except NotFound:
        raise Http404() from None
    template = "workspace/_customer_merge.html" if request.headers.get("HX-Request") else "workspace/customer_merge.html"
    return render(request, template, {"panel": panel, "customer": panel.customer, "error": error}, status=status)


def _go(request: HttpRequest, url: str) -> HttpResponse:
    if request.headers.get("HX-Request"):
        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return redirect(url)


@agent_required
@require_GET
def customer_merge_panel_view(request: HttpRequest, customer_id: int) -> HttpResponse:
    return _panel(request, customer_id, text=request.GET.get("q", ""), target=request.GET.get("destino", ""))


@agent_required
@require_POST
def customer_merge_view(request: HttpRequest, customer_id: int) -> HttpResponse:
    target_text = request.POST.get("destino", "")
    try:
        source = customer_get(user=request.user, customer_id=customer_id)
        if not is_id_text(target_text):
            raise NotFound()
        target = customer_get(user=request.user, customer_id=int(target_text))
        merge = customer_merge(actor=request.user, source=source, target=target)
    except NotFound:
        raise Http404() from None
    except DomainError as exc:
        return _panel(request, customer_id, target=target_text, error=exc, status=exc.status)
    return _go(request, reverse("customers:detail", args=[merge.target_id]))


@agent_required
@require_POST
def customer_merge_undo_view(request: HttpRequest, merge_id: int) -> HttpResponse:
    try:
        merge = customer_merge_get(user=request.user, merge_id=merge_id)
        merge = customer_merge_undo(actor=request.user, merge=merge)
    except NotFound:
        raise Http404() from None
    except DomainError as exc:
        return _panel(request, customer_merge_get(user=request.user, merge_id=merge_id).target_id, error=exc, status=exc.status)
    return _go(request, reverse("customers:detail", args=[merge.source_id]))
