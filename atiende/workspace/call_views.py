"""Calls in the workspace: the "Log a call" form (standalone, or reached from a ticket with its
number filled in) and the caller-id notices shown live on the inbox."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from atiende.calls import selectors as call_selectors
from atiende.calls import services as call_services
from atiende.calls.models import Direction, Outcome
from atiende.calls.permissions import can_log_calls, can_see_callers
from atiende.core import clock
from atiende.core.db import MAX_ID
from atiende.core.exceptions import DomainError
from atiende.core.params import is_id_text

from .views import agent_required, error_text


class CallLogForm(forms.Form):
    phone = forms.CharField(label=gettext_lazy("Phone number"), max_length=64,
                            widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}))
    direction = forms.ChoiceField(label=gettext_lazy("Direction"), choices=Direction.choices, initial=Direction.INBOUND)
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=Outcome.choices, initial=Outcome.ANSWERED)
    started_at = forms.DateTimeField(label=gettext_lazy("Started at"),
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    duration_minutes = forms.IntegerField(label=gettext_lazy("Duration (minutes)"), min_value=0, max_value=24 * 60,
                                          initial=0)
    duration_seconds = forms.IntegerField(label=gettext_lazy("and seconds"), min_value=0, max_value=59, initial=0)
    notes = forms.CharField(label=gettext_lazy("Notes"), required=False, max_length=call_services.MAX_NOTES,
                            widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=gettext_lazy("The customer sees them in their request, with the call."))
    ticket = forms.IntegerField(label=gettext_lazy("Ticket number"), required=False, min_value=1, max_value=MAX_ID,
                                help_text=gettext_lazy("Empty: the call opens a new ticket."))


@agent_required
@require_http_methods(["GET", "POST"])
def call_log_view(request: HttpRequest) -> HttpResponse:
    if not can_log_calls(request.user):
        raise PermissionDenied
    number = request.GET.get("ticket", "")[:18]
    phone = request.GET.get("phone", "")[:64]
    if not phone and is_id_text(number):
        phone = call_selectors.requester_phone(user=request.user, number=int(number))
    initial = {"started_at": timezone.localtime(clock.now()).replace(second=0, microsecond=0),
               "phone": phone, "ticket": number}
    form = CallLogForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            number = data.get("ticket")
            try:
                ticket_id = call_selectors.ticket_id_by_number(number) if number else None
                if number and ticket_id is None:
                    form.add_error("ticket", _("Unknown ticket."))
                else:
                    logged = call_services.call_log(
                        actor=request.user, phone=data["phone"], direction=data["direction"], outcome=data["outcome"],
                        started_at=data["started_at"], duration_seconds=data["duration_minutes"] * 60 + data["duration_seconds"],
                        notes=data["notes"], ticket_id=ticket_id,
                    )
                    messages.success(request, _("The call was logged on ticket #%(number)s.") % {
                        "number": logged.call.ticket.number})
                    return redirect("tickets:detail", number=logged.call.ticket.number)
            except DomainError as exc:
                status = exc.status
                _show(form, exc)
    return render(request, "workspace/call_log.html", {"form": form}, status=status)


def _show(form: forms.Form, exc: DomainError) -> None:
    placed = False
    for field, text in exc.fields.items():
        name = {"ticket_id": "ticket", "call_id": None}.get(field, field)
        if name in form.fields:
            form.add_error(name, str(text))
            placed = True
    if not placed:
        form.add_error(None, error_text(exc))


@agent_required
@require_GET
def caller_notices_view(request: HttpRequest) -> HttpResponse:
    """The fragment the inbox fetches when a call rings, is answered or ends (and polls for when
    its socket is down)."""
    if not can_see_callers(request.user):
        raise PermissionDenied
    notices = call_selectors.caller_notices(user=request.user)
    return render(request, "workspace/_caller_notices.html",
                  {"notices": notices, "log_url": reverse("workspace:call-log")})
