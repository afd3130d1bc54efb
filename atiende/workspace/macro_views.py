"""Macros from the ticket page's composer: the picker, the preview that fills the reply box and
lists what the macro will do, and the "Apply macro" button that sends the composer's text with
the macro's note and changes in one step (macros.services.macro_apply)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from atiende.core.exceptions import DomainError, NotFound
from atiende.macros import selectors as macro_selectors
from atiende.macros import services as macro_services
from atiende.macros.models import Macro
from atiende.tickets.models import Priority, Ticket, TicketType
from atiende.tickets.selectors import ticket_get_for_agent
from atiende.tickets.status import TicketStatus

from .views import agent_required, error_text


def _ticket_and_macro(request: HttpRequest, number: int, macro_id: int | None = None) -> tuple[Ticket, Macro | None]:
    try:
        ticket = ticket_get_for_agent(user=request.user, number=number)
        macro = macro_selectors.macro_get(user=request.user, macro_id=macro_id) if macro_id is not None else None
    except NotFound:
        raise Http404() from None
    return ticket, macro


def _described(plan: macro_services.MacroPlan) -> list[tuple[str, str]]:
    """What the macro changes, as the agent reads it: (what, to what)."""
    labels = {"status": (_("Status"), dict(TicketStatus.choices)), "priority": (_("Priority"), dict(Priority.choices)),
              "type": (_("Type"), dict(TicketType.choices))}
    lines = []
    for key, value in plan.changes.items():
        if key in labels:
            lines.append((str(labels[key][0]), str(labels[key][1].get(value, value))))
        elif key == "team":
            lines.append((_("Team"), value.name))
        elif key == "assignee":
            lines.append((_("Assignee"), value.name))
    if plan.tags_added:
        lines.append((_("Add tags"), ", ".join(plan.tags_added)))
    if plan.tags_removed:
        lines.append((_("Remove tags"), ", ".join(plan.tags_removed)))
    return lines


@agent_required
@require_GET
def macro_picker_view(request: HttpRequest, number: int) -> HttpResponse:
    ticket, _macro = _ticket_and_macro(request, number)
    macros = macro_selectors.macro_choices(user=request.user, ticket=ticket)
    return render(request, "workspace/_macro_picker.html", {"ticket": ticket, "macros": macros})


@agent_required
@require_GET
def macro_preview_view(request: HttpRequest, macro_id: int, number: int) -> HttpResponse:
    ticket, macro = _ticket_and_macro(request, number, macro_id)
    try:
        plan = macro_services.macro_preview(actor=request.user, ticket=ticket, macro=macro)
    except DomainError as exc:
        return render(request, "workspace/_macro_preview.html", {"ticket": ticket, "macro": macro,
                                                                  "error": error_text(exc)}, status=exc.status)
    return render(request, "workspace/_macro_preview.html", {"ticket": ticket, "macro": macro, "plan": plan,
                                                              "described": _described(plan)})


@agent_required
@require_POST
def macro_apply_view(request: HttpRequest, macro_id: int, number: int) -> HttpResponse:
    """The composer's text is the reply (the agent may have edited the rendered one); a note when
    the composer is on "Internal note"."""
    ticket, macro = _ticket_and_macro(request, number, macro_id)
    try:
        macro_services.macro_apply(actor=request.user, ticket=ticket, macro=macro, body=request.POST.get("body", ""),
                                   body_internal=request.POST.get("kind") == "internal",
                                   uploads=request.FILES.getlist("attachments"))
    except DomainError as exc:
        context = {"ticket": ticket, "macro": macro, "error": _("%(reason)s Nothing was applied.") % {
            "reason": error_text(exc)}}
        return render(request, "workspace/_macro_preview.html", context, status=exc.status)
    messages.success(request, _("Macro “%(name)s” applied.") % {"name": macro.name})
    try:
        target = reverse("tickets:detail", args=[ticket_get_for_agent(user=request.user, number=number).number])
    except NotFound:  # moved to a team the agent does not see
        target = reverse("workspace:inbox")
    if request.headers.get("HX-Request"):
        return HttpResponse(status=204, headers={"HX-Redirect": target})
    return redirect(target)
