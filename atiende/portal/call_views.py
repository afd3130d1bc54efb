"""Asking for a call back: a form with the customer's number, a preferred time within business
hours and a topic; the request is a phone ticket whose agreed time is that moment."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from atiende.calls import services as call_services
from atiende.core.exceptions import DomainError, NotFound

from . import selectors
from .access import customer_page, viewer_zone
from .formerrors import apply_domain_error


class CallbackForm(forms.Form):
    phone = forms.CharField(label=_("Phone number"), max_length=64,
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))
    preferred_at = forms.DateTimeField(label=_("When should we call you?"),
                                       help_text=_("Within our business hours, in the next 14 days."),
                                       widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    topic = forms.CharField(label=_("What is it about?"), max_length=call_services.MAX_TOPIC)


@customer_page
@require_http_methods(["GET", "POST"])
def callback_view(request: HttpRequest) -> HttpResponse:
    form = CallbackForm(request.POST or None, initial={"phone": selectors.callback_phone(user=request.user)})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                ticket = call_services.callback_request(
                    actor=request.user, phone=data["phone"], preferred_at=data["preferred_at"], topic=data["topic"],
                    hours=selectors.callback_hours(user=request.user), time_zone=viewer_zone(request.user),
                )
            except DomainError as exc:
                status = apply_domain_error(form, exc)
            else:
                return redirect("portal:callback-requested", number=ticket.number)
    return render(request, "portal/callback.html", {"form": form, "nav": "callback"}, status=status)


@customer_page
@require_GET
def callback_requested_view(request: HttpRequest, number: int) -> HttpResponse:
    try:
        ticket = selectors.request_get(user=request.user, number=number)
    except NotFound:
        raise Http404() from None
    return render(request, "portal/callback_requested.html", {"ticket": ticket, "zone": viewer_zone(request.user)})
