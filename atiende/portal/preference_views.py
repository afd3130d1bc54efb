"""The portal's "How we reach you": the channel a customer prefers for our notices. Parse, call
one service or selector, render."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from atiende.accounts.models import User
from atiende.core.exceptions import Invalid
from atiende.core.languages import content_language
from atiende.customers import services as customer_services

from . import selectors
from .access import customer_page


@customer_page
@require_http_methods(["GET", "POST"])
def preferences_view(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # customer_page let only a signed-in customer in
    customer = selectors.own_customer(user)
    error, status = "", 200
    if request.method == "POST":
        try:
            customer_services.customer_update(actor=user, customer=customer, changes={
                "preferred_channel": request.POST.get("preferred_channel", "")})
        except Invalid as exc:
            error, status = (exc.fields or {}).get("preferred_channel", str(exc.message)), 400
        else:
            messages.success(request, _("Saved. We will write to you this way."))
            return redirect("portal:preferences")
    options = selectors.contact_options(customer, content_language(customer.language or request.LANGUAGE_CODE))
    return render(request, "portal/preferences.html", {
        "options": options, "chosen": customer.preferred_channel or "email", "error": error,
        "nav": "preferences"}, status=status)
