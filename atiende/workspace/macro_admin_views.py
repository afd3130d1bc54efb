"""The macros page: every macro the agent may use or change, with its usage, and the editor
(personal macros for every agent, team macros for supervisors and administrators) with a preview
of its variables on a real ticket. Writes go through macros' services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atiende.accounts.models import Team, User
from atiende.core.exceptions import DomainError
from atiende.macros import selectors, services
from atiende.macros.models import Macro
from atiende.macros.permissions import can_have_macros, can_manage_team_macros
from atiende.macros.variables import VARIABLES

from .admin_pages import allowed_for, posted, show_error
from .macro_admin_forms import ERROR_FIELDS, PERSONAL, MacroForm

agents_only = allowed_for(can_have_macros)


def _scopes(user: User, macro: Macro | None) -> list[tuple[str, Any]]:
    """Personal, or one of the teams (a saved macro keeps its kind)."""
    personal = [(PERSONAL, _("Only me"))] if macro is None or macro.owner_id is not None else []
    teams = []
    if (macro is None or macro.team_id is not None) and can_manage_team_macros(user):
        teams = [(f"team:{t.pk}", _("Team %(name)s") % {"name": t.name}) for t in Team.objects.order_by("name")]
    return personal + teams


@agents_only
@require_GET
def macros_view(request: HttpRequest) -> HttpResponse:
    return render(request, "workspace/macros.html", {"rows": selectors.macro_rows(user=request.user)})


def _editor(request: HttpRequest, form: MacroForm, macro: Macro | None, *, status: int = 200,
            preview: services.DraftPreview | None = None) -> HttpResponse:
    variables = [(name, label) for name, (label, _value) in VARIABLES.items()]
    return render(request, "workspace/macro_edit.html", {"form": form, "macro": macro, "preview": preview,
                                                         "variables": variables}, status=status)


def _save(request: HttpRequest, macro: Macro | None) -> HttpResponse:
    form = MacroForm(posted(request), scopes=_scopes(request.user, macro))
    if not form.is_valid():
        return _editor(request, form, macro, status=400)
    data = form.cleaned_data
    try:
        if request.POST.get("action") == "preview":
            preview = services.macro_draft_preview(actor=request.user, reply=form.replies(), note=data["note"],
                                                   ticket_number=data["preview_ticket"])
            return _editor(request, form, macro, preview=preview)
        values = {"name": data["name"], "reply": form.replies(), "note": data["note"], "actions": form.actions()}
        if macro is None:
            macro = services.macro_create(actor=request.user, team=form.team_id(), **values)
        else:
            team = {"team": form.team_id()} if macro.team_id is not None else {}
            macro = services.macro_update(actor=request.user, macro=macro, changes={**values, **team})
    except DomainError as exc:
        show_error(form, exc, ERROR_FIELDS)
        return _editor(request, form, macro, status=exc.status)
    messages.success(request, _("Macro “%(name)s” saved.") % {"name": macro.name})
    return redirect("workspace:macros")


@agents_only
@require_http_methods(["GET", "POST"])
def macro_new_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _save(request, None)
    return _editor(request, MacroForm(initial={"scope": PERSONAL}, scopes=_scopes(request.user, None)), None)


@agents_only
@require_http_methods(["GET", "POST"])
def macro_edit_view(request: HttpRequest, macro_id: int) -> HttpResponse:
    macro = selectors.macro_get_for_edit(user=request.user, macro_id=macro_id)
    if request.method == "POST":
        return _save(request, macro)
    form = MacroForm(initial=MacroForm.initial_for(macro), scopes=_scopes(request.user, macro))
    return _editor(request, form, macro)


@agents_only
@require_POST
def macro_delete_view(request: HttpRequest, macro_id: int) -> HttpResponse:
    macro = selectors.macro_get_for_edit(user=request.user, macro_id=macro_id)
    services.macro_delete(actor=request.user, macro=macro)
    messages.success(request, _("Macro “%(name)s” deleted.") % {"name": macro.name})
    return redirect("workspace:macros")
