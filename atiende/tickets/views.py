"""Ticket pages: the plain list, and the agent's ticket page with its fragments and actions.

Every action posts a small form. With htmx the answer is the part of the page that changed
(the form's region, plus the header, timeline and panels out of band); without JavaScript it
is a redirect back to the page with a message, or the whole page with the form's errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from atiende.accounts.permissions import is_agent
from atiende.accounts.selectors import agent_get
from atiende.core import clock
from atiende.core.errors import MESSAGES
from atiende.core.exceptions import DomainError, NotFound
from atiende.core.params import is_id_text

from . import selectors, services
from .api import attachment_response
from .forms import (
    MAX_FILES,
    AssignForm,
    ComposerForm,
    LinkForm,
    LinkKindChoice,
    MergeForm,
    PropertiesForm,
    ReferForm,
    TakeForm,
)
from .models import LinkKind, Ticket
from .timeline_html import timeline_items_html

PAGE_ROWS = 50


@login_required
@require_GET
def ticket_list_view(request: HttpRequest) -> HttpResponse:
    """The old address of the ticket list: agents now work in the inbox, customers in the portal."""
    if not is_agent(request.user):
        return redirect("portal:home")
    return redirect(reverse("workspace:inbox") + ("?sort=sla" if request.GET.get("orden") == "sla" else ""))


@login_required
@require_GET
def attachment_view(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        return attachment_response(selectors.attachment_get(user=request.user, public_id=public_id))
    except NotFound:
        raise Http404() from None


# --- the agent's ticket page ------------------------------------------------------------------

def _ticket(request: HttpRequest, number: int) -> Ticket:
    try:
        return selectors.ticket_get_for_agent(user=request.user, number=number)
    except NotFound:
        raise Http404() from None


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _forms(request: HttpRequest, ws: selectors.TicketWorkspace, given: dict[str, Any]) -> dict[str, Any]:
    """The page's forms: the ones given (bound, with errors) and fresh ones for the rest."""
    agents, ticket = ws.choices.agents, ws.ticket
    fresh: dict[str, Callable[[], Any]] = {
        "composer_form": lambda: ComposerForm(initial={"kind": "public" if ws.can_reply else "internal"}),
        "properties_form": lambda: PropertiesForm(ticket=ticket, tags=ws.tags, choices=ws.choices),
        "assign_form": lambda: AssignForm(agents=agents, initial={"assignee": ticket.assignee_id or ""}),
        "refer_form": lambda: ReferForm(agents=agents, exclude={request.user.pk, *(c.pk for c in ws.collaborators)}),
        "take_form": lambda: TakeForm(),
        "merge_form": lambda: MergeForm(),
        "link_form": lambda: LinkForm(),
    }
    return {name: given[name] if name in given else make() for name, make in fresh.items()}


def _whole_timeline(request: HttpRequest) -> bool:
    """Whether the agent asked for the whole conversation (`?completo=1`), on this request or, for
    an htmx request from the page, on the page's own address, so a change keeps it whole."""
    try:  # the header comes from the browser: a malformed address just counts as not asked
        page = urlsplit(request.headers.get("HX-Current-URL", "")).query
    except ValueError:
        page = ""
    return "1" in (request.GET.getlist("completo") + parse_qs(page).get("completo", []))


def _context(request: HttpRequest, ticket: Ticket, forms: dict[str, Any], **extra: Any) -> dict[str, Any]:
    ws = selectors.ticket_workspace(user=request.user, ticket=ticket, now=clock.now(),
                                    whole_timeline=_whole_timeline(request))
    context = {
        "ws": ws, "ticket": ws.ticket, "composer_last_message_id": ws.last_message_id,
        "max_attachment_bytes": settings.ATTACHMENT_MAX_BYTES, "max_files": MAX_FILES, **_forms(request, ws, forms),
        "reply_window": selectors.ticket_reply_window(user=request.user, ticket=ws.ticket) if ws.can_reply else None,
    }
    context["closed_forms"] = [context[name] for name in ("take_form", "assign_form", "refer_form", "merge_form", "link_form")]
    context.update(extra)
    return context


def _refetch(request: HttpRequest, ticket: Ticket) -> Ticket:
    # After a change: the ticket as it is now (a merge or reassignment may have moved it).
    return selectors.ticket_get(user=request.user, ticket_id=ticket.pk)


def _show(request: HttpRequest, ticket: Ticket, *, region: str, forms: dict[str, Any], status: int,
          **extra: Any) -> HttpResponse:
    """The form's region (htmx) or the whole page, with the forms as given."""
    context = _context(request, ticket, forms, region=region, **extra)
    if _is_htmx(request):
        return render(request, f"tickets/_{region}.html", context, status=status)
    return render(request, "tickets/detail.html", context, status=status)


def _done(request: HttpRequest, ticket: Ticket, *, region: str, notice: str, anchor: str = "") -> HttpResponse:
    """After a change: the region with the notice and the rest of the page out of band (htmx),
    or back to the page with the notice (no JavaScript)."""
    try:
        ticket = _refetch(request, ticket)
    except NotFound:  # e.g. moved to another team: the agent no longer sees it, back to the inbox
        messages.success(request, notice)
        if _is_htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("workspace:inbox")
            return response
        return redirect("workspace:inbox")
    if _is_htmx(request):
        context = _context(request, ticket, {}, region=region, notice=notice, oob=True)
        return render(request, "tickets/_changed.html", context)
    messages.success(request, notice)
    return redirect(reverse("tickets:detail", args=[ticket.number]) + (f"#{anchor or region}"))


@login_required
@require_GET
def ticket_detail_view(request: HttpRequest, number: int) -> HttpResponse:
    ticket = _ticket(request, number)
    return render(request, "tickets/detail.html", _context(request, ticket, {}))


@login_required
@require_GET
def timeline_since_view(request: HttpRequest, number: int) -> HttpResponse:
    """Timeline items newer than the message `?despues=<id>` (a message of this ticket)."""
    ticket = _ticket(request, number)
    raw = request.GET.get("despues", "")
    if not is_id_text(raw):
        return HttpResponseBadRequest(_("Give the id of a message of this ticket in “despues”."), content_type="text/plain")
    try:
        items = selectors.ticket_timeline(user=request.user, ticket=ticket, after_message_id=int(raw))
    except NotFound:
        raise Http404() from None
    return HttpResponse(timeline_items_html(items, number=ticket.number))


@login_required
@require_GET
def message_original_view(request: HttpRequest, number: int, message_id: int) -> HttpResponse:
    """The email a message came from, exactly as received, shown as plain text (never as HTML)."""
    ticket = _ticket(request, number)
    try:
        original = selectors.message_original_get(user=request.user, ticket=ticket, message_id=message_id)
        handle = original.open("rb")
    except (NotFound, OSError):
        raise Http404() from None
    response = FileResponse(handle, content_type="text/plain; charset=utf-8", filename=f"mensaje-{message_id}.eml")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def reply_view(request: HttpRequest, number: int) -> HttpResponse:
    """The composer: a public reply or an internal note, held while the conversation moved on."""
    ticket = _ticket(request, number)
    form = ComposerForm(request.POST, request.FILES)
    if not form.is_valid():
        return _composer_refused(request, ticket, form, status=400, last_message_id=form.cleaned_data.get("last_message_id"))
    seen = form.cleaned_data["last_message_id"]
    try:
        message = services.message_create_if_current(
            actor=request.user, ticket=ticket, last_message_id=seen, body=form.cleaned_data["body"],
            internal=form.internal, uploads=form.cleaned_data["attachments"], template=form.template_choice,
        )
    except services.ConversationMoved as exc:
        return _composer_refused(request, ticket, form, status=exc.status, stale=_stale(request, ticket, seen),
                                 last_message_id=exc.latest_message_id)
    except DomainError as exc:
        form.add_domain_error(exc)
        return _composer_refused(request, ticket, form, status=exc.status, last_message_id=seen)
    notice = _("Internal note added.") if form.internal else _("Template sent.") if form.template_choice else _("Reply sent.")
    return _done(request, ticket, region="composer", notice=notice, anchor=f"item-m{message.pk}")


def _composer_refused(request: HttpRequest, ticket: Ticket, form: ComposerForm, *, status: int,
                      stale: list | None = None, last_message_id: int | None = None) -> HttpResponse:
    """Nothing was sent: say why. With htmx only the composer's feedback changes, so what the
    agent wrote and attached stays; without JavaScript the page comes back with the text."""
    extra: dict[str, Any] = {"stale": stale, "lost_files": bool(request.FILES) and not _is_htmx(request)}
    if last_message_id is not None:  # the newest message seen: the stale check still applies
        extra["composer_last_message_id"] = last_message_id
    if _is_htmx(request):
        context = {"composer_form": form, "ticket": ticket, **extra}
        response = render(request, "tickets/_composer_feedback_response.html", context, status=status)
        response["HX-Retarget"], response["HX-Reswap"] = "#composer-feedback", "innerHTML"
        return response
    return _show(request, ticket, region="composer", forms={"composer_form": form}, status=status, **extra)


def _stale(request: HttpRequest, ticket: Ticket, last_seen: int | None) -> list[selectors.TimelineItem]:
    """What arrived after the message the writer saw (everything, if that one is gone)."""
    try:
        return selectors.ticket_timeline(user=request.user, ticket=ticket, after_message_id=last_seen or 0)
    except NotFound:
        return [item for item in selectors.ticket_timeline(user=request.user, ticket=ticket) if item.message][-3:]


@login_required
@require_POST
def properties_view(request: HttpRequest, number: int) -> HttpResponse:
    ticket = _ticket(request, number)
    choices = selectors.panel_choices(user=request.user)
    tags = selectors.tag_names_by_ticket([ticket])[ticket.pk]
    form = PropertiesForm(request.POST, ticket=ticket, tags=tags, choices=choices)
    status = 400
    if form.is_valid():
        changes = form.changes()
        try:
            services.ticket_update(actor=request.user, ticket=ticket, changes=changes)
        except DomainError as exc:
            form.add_domain_error(exc)
            status = exc.status
        else:
            notice = _("Changes saved.") if changes else _("Nothing to save: no field changed.")
            return _done(request, ticket, region="properties", notice=notice)
    return _show(request, ticket, region="properties", forms={"properties_form": form}, status=status)


def _action(request: HttpRequest, number: int, *, form_name: str, make_form: Callable[[Ticket], Any],
            perform: Callable[[Ticket, Any], str | dict]) -> HttpResponse:
    """Shared flow of the actions panel: validate, call the service, show the outcome. `perform`
    returns the success notice, or a dict of context for a step that needs confirmation."""
    ticket = _ticket(request, number)
    form = make_form(ticket)
    status, extra = 400, {}
    if form.is_valid():
        try:
            outcome = perform(ticket, form)
        except DomainError as exc:
            form.add_domain_error(exc)
            status = exc.status
        else:
            if isinstance(outcome, str):
                return _done(request, ticket, region="actions", notice=outcome)
            status, extra = 200, outcome
    return _show(request, ticket, region="actions", forms={form_name: form}, status=status, **extra)


def _agents(request: HttpRequest) -> list:
    return selectors.panel_choices(user=request.user).agents


@login_required
@require_POST
def take_view(request: HttpRequest, number: int) -> HttpResponse:
    def perform(ticket: Ticket, form: Any) -> str:
        services.ticket_update(actor=request.user, ticket=ticket, changes={"assignee": request.user})
        return _("You are now the assignee of this ticket.")

    return _action(request, number, form_name="take_form", make_form=lambda t: TakeForm(request.POST), perform=perform)


@login_required
@require_POST
def assign_view(request: HttpRequest, number: int) -> HttpResponse:
    def perform(ticket: Ticket, form: AssignForm) -> str:
        services.ticket_update(actor=request.user, ticket=ticket, changes={"assignee": form.cleaned_data["assignee"]})
        return _("Assignee changed.") if form.cleaned_data["assignee"] else _("The ticket is now unassigned.")

    return _action(request, number, form_name="assign_form",
                   make_form=lambda t: AssignForm(request.POST, agents=_agents(request)), perform=perform)


@login_required
@require_POST
def refer_view(request: HttpRequest, number: int) -> HttpResponse:
    def perform(ticket: Ticket, form: ReferForm) -> str:
        colleague = agent_get(user=request.user, agent_id=form.cleaned_data["collaborator"])
        services.ticket_refer(actor=request.user, ticket=ticket, collaborator=colleague, note=form.cleaned_data["note"])
        return _("Referred to %(name)s. They were notified; the assignee stays the same.") % {"name": colleague.name}

    return _action(request, number, form_name="refer_form",
                   make_form=lambda t: ReferForm(request.POST, agents=_agents(request), exclude=set()), perform=perform)


def _other_ticket(request: HttpRequest, number: int) -> Ticket:
    try:
        return selectors.ticket_get_for_agent(user=request.user, number=number)
    except NotFound:
        raise NotFound(fields={"target": _("There is no ticket with this number that you can see.")}) from None


@login_required
@require_POST
def merge_view(request: HttpRequest, number: int) -> HttpResponse:
    def perform(ticket: Ticket, form: MergeForm) -> str | dict:
        target = _other_ticket(request, form.cleaned_data["target"])
        services.ticket_merge_check(source=ticket, target=target)  # refused before asking to confirm
        if not form.cleaned_data["confirm"]:
            return {"merge_target": target}
        services.ticket_merge(actor=request.user, source=ticket, target=target)
        return _("Merged into %(ref)s.") % {"ref": target.reference}

    return _action(request, number, form_name="merge_form", make_form=lambda t: MergeForm(request.POST), perform=perform)


@login_required
@require_POST
def link_view(request: HttpRequest, number: int) -> HttpResponse:
    def perform(ticket: Ticket, form: LinkForm) -> str:
        other, kind = _other_ticket(request, form.cleaned_data["target"]), form.cleaned_data["kind"]
        source, target = (other, ticket) if kind == LinkKindChoice.CHILD else (ticket, other)
        link_kind = LinkKind.RELATED if kind == LinkKindChoice.RELATED else LinkKind.PARENT
        services.ticket_link(actor=request.user, source=source, target=target, kind=link_kind)
        return _("Linked with %(ref)s.") % {"ref": other.reference}

    return _action(request, number, form_name="link_form", make_form=lambda t: LinkForm(request.POST), perform=perform)


# --- agents copied on an email ------------------------------------------------------------------

@login_required
@require_POST
def copied_confirm_view(request: HttpRequest, number: int, copied_id: int) -> HttpResponse:
    """Add an agent who was copied on an email as a collaborator (staff of the ticket only)."""
    return _copied_decision(request, number, copied_id, confirm=True)


@login_required
@require_POST
def copied_dismiss_view(request: HttpRequest, number: int, copied_id: int) -> HttpResponse:
    """Decline an agent who was copied on an email: not added, not asked about again."""
    return _copied_decision(request, number, copied_id, confirm=False)


def _copied_decision(request: HttpRequest, number: int, copied_id: int, *, confirm: bool) -> HttpResponse:
    ticket = _ticket(request, number)
    decide = services.ticket_copied_agent_confirm if confirm else services.ticket_copied_agent_dismiss
    try:
        copied = decide(actor=request.user, ticket=ticket, copied_id=copied_id)
    except NotFound:
        raise Http404() from None
    except DomainError as exc:
        error = str(exc.message or MESSAGES.get(exc.code, MESSAGES["invalid"]))
        return _show(request, ticket, region="actions", forms={}, status=exc.status, copied_error=error)
    words = _("%(name)s is now a collaborator.") if confirm else _("%(name)s will not be added.")
    return _done(request, ticket, region="actions", notice=words % {"name": copied.agent.name})
