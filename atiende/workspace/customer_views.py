"""The workspace's customer page: profile, identities, organization and ticket history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from atiende.core.exceptions import NotFound
from atiende.core.params import is_id_text

from .customer_page import customer_page


@login_required
@require_GET
def customer_detail_view(request: HttpRequest, customer_id: int) -> HttpResponse:
    raw = request.GET.get("antes", "")
    before = int(raw) if is_id_text(raw) else None
    try:
        page = customer_page(user=request.user, customer_id=customer_id, before=before)
    except NotFound:
        raise Http404() from None
    if page.customer.pk != customer_id:  # merged into another profile: that one's page
        messages.info(request, _("%(merged)s was merged into %(survivor)s.")
                      % {"merged": page.merged_name, "survivor": page.customer.name})
        return redirect("customers:detail", page.customer.pk)
    return render(request, "customers/detail.html", {"page": page, "customer": page.customer, "paged": before is not None})
