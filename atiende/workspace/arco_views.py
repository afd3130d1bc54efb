"""ARCO requests in the workspace, for supervisors and administrators (everyone else gets a
404): every request with its legal deadline, recording one that arrived by phone or letter,
moving it along, and for administrators the access export and the erasure."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from atiende.accounts import selectors as accounts
from atiende.arco import selectors as arco
from atiende.arco import services as arco_services
from atiende.arco.models import RequestKind, RequestState
from atiende.arco.permissions import can_export_or_erase, can_manage_requests
from atiende.core import clock
from atiende.core.exceptions import DomainError, Invalid, NotFound
from atiende.core.params import is_id_text
from atiende.customers import selectors as customers

from .views import agent_required


def _managers_only(request: HttpRequest) -> None:
    if not can_manage_requests(request.user):
        raise Http404()


def _customer_id(user, raw: str) -> int:
    """A customer's number or one of their email addresses."""
    raw = raw.strip()[:254]
    if is_id_text(raw):
        return int(raw)
    found = customers.customer_list(user=user, email=raw).first() if raw else None
    if found is None:
        raise Invalid(fields={"customer": _("No customer has that number or email address.")})
    return found.pk


@agent_required
@require_GET
def arco_list_view(request: HttpRequest) -> HttpResponse:
    _managers_only(request)
    admin = can_export_or_erase(request.user)
    rows = [(row, [(export, arco.export_download_url(export)) for export in row.exports.all()] if admin else [])
            for row in arco.request_list(user=request.user).prefetch_related("exports")[:500]]
    return render(request, "workspace/arco_requests.html", {
        "rows": rows, "now": clock.now(), "kinds": RequestKind.choices, "states": RequestState.choices,
        "agents": accounts.agent_list(user=request.user), "admin": admin})


@agent_required
@require_POST
def arco_record_view(request: HttpRequest) -> HttpResponse:
    _managers_only(request)
    try:
        arco_services.request_record(actor=request.user, kind=request.POST.get("kind", ""),
                                     text=request.POST.get("text", ""),
                                     customer_id=_customer_id(request.user, request.POST.get("customer", "")))
    except DomainError as exc:
        messages.error(request, " ".join(str(text) for text in (exc.fields or {}).values()) or str(exc.message))
    else:
        messages.success(request, _("Request recorded."))
    return redirect("workspace:arco")


@agent_required
@require_POST
def arco_change_view(request: HttpRequest, request_id: int) -> HttpResponse:
    """`action` = state (with `state`, `owner`, `reason`), export or erase (administrators)."""
    _managers_only(request)
    action = request.POST.get("action", "")
    try:
        found = arco.request_get(user=request.user, request_id=request_id)
        if action == "export":
            arco_services.export_request(actor=request.user, customer_id=found.customer_id, request_id=found.pk)
            messages.success(request, _("The export is being prepared; its link appears here when ready."))
        elif action == "erase" and request.POST.get("confirm") == "yes":
            arco_services.erase_request(actor=request.user, customer_id=found.customer_id)
            messages.success(request, _("The customer's personal data is being erased."))
        else:
            owner = request.POST.get("owner", "")
            arco_services.request_change(actor=request.user, request_id=found.pk, state=request.POST.get("state", ""),
                                         owner_id=int(owner) if is_id_text(owner) else None,
                                         reason=request.POST.get("reason", ""))
            messages.success(request, _("Request updated."))
    except NotFound:
        raise Http404() from None
    except DomainError as exc:
        messages.error(request, " ".join(str(text) for text in (exc.fields or {}).values()) or str(exc.message))
    return redirect("workspace:arco")
