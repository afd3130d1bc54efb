"""The workspace's maintenance pages: plans (list, new, edit), the checklist box on a visit's
ticket, and the maintenance box on the asset page (plans with their next visit, and the history
of completed checklists). Parse, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from atiende.assets import selectors as assets
from atiende.core.exceptions import DomainError
from atiende.core.params import is_id_text
from atiende.maintenance import selectors as maintenance
from atiende.maintenance import services as maintenance_services
from atiende.maintenance.models import MaintenancePlan
from atiende.maintenance.services import PLAN_FIELDS
from atiende.tickets.permissions import can_edit_ticket
from atiende.tickets.selectors import ticket_get_for_agent

from .maintenance_forms import PlanForm
from .view_helpers import form_error, or_404, staff_only
from .views import agent_required


@agent_required
@require_GET
def plan_list_view(request: HttpRequest) -> HttpResponse:
    staff_only(request)
    active = {"si": True, "no": False}.get(request.GET.get("activo", ""))
    plans = maintenance.plan_list(user=request.user, active=active).order_by("next_due_on", "id")[:200]
    return render(request, "workspace/maintenance_plans.html", {"plans": plans, "params": request.GET})


def _initial(plan: MaintenancePlan | None, request: HttpRequest) -> dict:
    if plan is None:
        raw = request.GET.get("activo", "")
        return {"asset": int(raw) if is_id_text(raw) and len(raw) < 18 else None}
    initial = {name: getattr(plan, name) for name in PLAN_FIELDS}
    initial.update(asset=plan.asset_id, organization=plan.organization_id, contact=plan.contact_id,
                   team=plan.team_id, checklist="\n".join(plan.checklist))
    return initial


def _plan_form(request: HttpRequest, plan: MaintenancePlan | None) -> HttpResponse:
    form = PlanForm(request.POST or None, initial=_initial(plan, request))
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in PLAN_FIELDS}
        values.update(asset=values["asset"] or None, contact=values["contact"] or None)
        try:
            if plan is None:
                plan = maintenance_services.plan_create(actor=request.user, **values)
            else:
                maintenance_services.plan_update(actor=request.user, plan=plan, changes=values)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Maintenance plan saved."))
            return redirect("workspace:maintenance-plan-edit", plan_id=plan.pk)
    visits = plan.visits.select_related("ticket").order_by("-due_on", "-id")[:20] if plan else []
    return render(request, "workspace/maintenance_plan_edit.html", {"form": form, "plan": plan, "visits": visits},
                  status=400 if request.method == "POST" else 200)


@agent_required
@require_http_methods(["GET", "POST"])
def plan_new_view(request: HttpRequest) -> HttpResponse:
    staff_only(request)
    return _plan_form(request, None)


@agent_required
@require_http_methods(["GET", "POST"])
def plan_edit_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    staff_only(request)
    return _plan_form(request, or_404(maintenance.plan_get, user=request.user, plan_id=plan_id))


@agent_required
@require_http_methods(["GET", "POST"])
def ticket_checklist_view(request: HttpRequest, number: int) -> HttpResponse:
    """The ticket page's maintenance checklist box (empty for other tickets); POST ticks an item
    (`item`, `done`) or completes the visit (`action=complete`)."""
    staff_only(request)
    ticket = or_404(ticket_get_for_agent, user=request.user, number=number)
    visit = maintenance.visit_of_ticket(user=request.user, ticket=ticket)
    error = ""
    if request.method == "POST":
        if visit is None:
            raise Http404()
        error = _tick_or_complete(request, visit)
        if not error and not request.headers.get("HX-Request"):
            return redirect("tickets:detail", number=ticket.number)
        visit = maintenance.visit_of_ticket(user=request.user, ticket=ticket)
    return render(request, "workspace/_ticket_checklist.html", {
        "ticket": ticket, "visit": visit, "error": error, "can_change": can_edit_ticket(request.user, ticket)},
        status=400 if error else 200)


def _tick_or_complete(request: HttpRequest, visit) -> str:
    raw = request.POST.get("item", "")
    try:
        if request.POST.get("action") == "complete":
            maintenance_services.visit_complete(actor=request.user, visit=visit)
        else:
            index = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 4 else -1
            maintenance_services.visit_item_set(actor=request.user, visit=visit, index=index,
                                                done=request.POST.get("done") == "1")
    except DomainError as exc:
        return str(exc.message or next(iter(exc.fields.values()), exc.code))
    return ""


@agent_required
@require_GET
def asset_maintenance_view(request: HttpRequest, asset_id: int) -> HttpResponse:
    """The asset page's maintenance box: the plans visiting it and its history."""
    staff_only(request)
    asset = or_404(assets.asset_get, user=request.user, asset_id=asset_id)
    return render(request, "workspace/_asset_maintenance.html", {
        "asset": asset, "plans": maintenance.plans_of_asset(user=request.user, asset=asset)[:50],
        "visits": maintenance.visits_of_asset(user=request.user, asset=asset)})


