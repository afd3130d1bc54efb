"""The portal's "My personal data": ask to see, correct, cancel or oppose the use of one's data
(ARCO rights), and follow each request with its legal deadline. Parse, call one service or
selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from atiende.arco import selectors as arco
from atiende.arco import services as arco_services
from atiende.arco.models import RequestKind
from atiende.core.exceptions import Invalid

from .access import customer_page


@customer_page
@require_http_methods(["GET", "POST"])
def arco_view(request: HttpRequest) -> HttpResponse:
    errors, status = {}, 200
    if request.method == "POST":
        try:
            arco_services.request_record(actor=request.user, kind=request.POST.get("kind", ""),
                                         text=request.POST.get("text", ""))
        except Invalid as exc:
            errors, status = exc.fields or {"kind": str(exc.message)}, 400
        else:
            messages.success(request, _("We received your request. We will answer by the date shown."))
            return redirect("portal:arco")
    return render(request, "portal/arco.html", {
        "rows": arco.own_requests(user=request.user)[:100], "kinds": RequestKind.choices, "errors": errors,
        "posted": request.POST, "nav": "arco"}, status=status)
