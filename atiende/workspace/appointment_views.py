"""The workspace's appointment pages: the team's calendar by day or week, the appointment types
(supervisors and administrators), and the ticket page's "appointments" box where agents book for
the requester and mark no-shows. Parse, call one service or selector, render."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from itertools import groupby
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from atiende.accounts.models import Team, User, UserKind
from atiende.appointments import selectors as appointments
from atiende.appointments import services as appointment_services
from atiende.appointments.models import AppointmentType
from atiende.appointments.permissions import can_manage_types
from atiende.core import clock
from atiende.core.exceptions import DomainError, NotFound
from atiende.tickets.permissions import can_edit_ticket
from atiende.tickets.selectors import ticket_get_for_agent

from .appointment_forms import AbsenceForm, AppointmentTypeForm
from .view_helpers import error_text, id_or_none, staff_only
from .views import agent_required

# --- calendar -----------------------------------------------------------------------------------

@agent_required
@require_GET
def calendar_view(request: HttpRequest) -> HttpResponse:
    """Appointments by day or week (`?dia=`, `?vista=dia|semana`, `?equipo=`), in the agent's zone."""
    staff_only(request)
    zone = ZoneInfo(timezone.get_current_timezone_name())
    today = clock.now().astimezone(zone).date()
    try:
        day = date.fromisoformat(request.GET.get("dia", "")[:10])
    except ValueError:
        day = today
    if abs((day - today).days) > 3660:  # ten years either side: far from the calendar's limits
        day = today
    week = request.GET.get("vista", "semana") != "dia"
    first = day - timedelta(days=day.weekday()) if week else day
    length = timedelta(days=7 if week else 1)
    start = datetime.combine(first, time(), tzinfo=zone)
    team_id = id_or_none(request.GET.get("equipo", ""))
    rows = appointments.calendar_list(user=request.user, start=start, end=start + length, team_id=team_id)
    days = [{"day": d, "rows": list(group)} for d, group in groupby(rows, key=lambda a: a.start.astimezone(zone).date())]
    return render(request, "workspace/appointment_calendar.html", {
        "days": days, "first": first, "week": week, "team_id": team_id, "teams": Team.objects.order_by("name"),
        "previous": first - length, "next": first + length, "can_manage": can_manage_types(request.user)})


# --- types --------------------------------------------------------------------------------------

@agent_required
@require_GET
def type_list_view(request: HttpRequest) -> HttpResponse:
    staff_only(request)
    return render(request, "workspace/appointment_types.html",
                  {"types": appointments.type_list(user=request.user), "can_manage": can_manage_types(request.user)})


def _type_form(request: HttpRequest, kind: AppointmentType | None) -> HttpResponse:
    initial = None
    if kind is not None:
        initial = {name: getattr(kind, name) for name in appointment_services.TYPE_FIELDS if name != "agents"}
        initial.update(team=kind.team_id, calendar=kind.calendar_id, agents=list(kind.agents.values_list("pk", flat=True)))
    form = AppointmentTypeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if kind is None:
                kind = appointment_services.type_create(actor=request.user, **form.values())
            else:
                appointment_services.type_update(actor=request.user, kind=kind, changes=form.values())
        except DomainError as exc:
            for field, message in exc.fields.items():
                form.add_error(field if field in form.fields else None, str(message))
            if not exc.fields:
                form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("Appointment type saved."))
            return redirect("workspace:appointment-types")
    return render(request, "workspace/appointment_type_edit.html", {"form": form, "kind": kind},
                  status=400 if request.method == "POST" else 200)


@agent_required
@require_http_methods(["GET", "POST"])
def type_new_view(request: HttpRequest) -> HttpResponse:
    staff_only(request, can_manage_types(request.user))
    return _type_form(request, None)


@agent_required
@require_http_methods(["GET", "POST"])
def type_edit_view(request: HttpRequest, type_id: int) -> HttpResponse:
    staff_only(request, can_manage_types(request.user))
    try:
        return _type_form(request, appointments.type_get(user=request.user, type_id=type_id))
    except NotFound:
        raise Http404() from None


# --- the ticket's box ---------------------------------------------------------------------------

@agent_required
@require_http_methods(["GET", "POST"])
def ticket_appointments_view(request: HttpRequest, number: int) -> HttpResponse:
    """The ticket page's "appointments" box: its appointments; book one (`tipo` picks the type,
    then a free time); mark a no-show or cancel."""
    staff_only(request)
    try:
        ticket = ticket_get_for_agent(user=request.user, number=number)
    except NotFound:
        raise Http404() from None
    error = _act(request, ticket) if request.method == "POST" else ""
    if request.method == "POST" and not error and not request.headers.get("HX-Request"):
        return redirect("tickets:detail", number=ticket.number)
    kind = appointments.type_list(user=request.user).filter(active=True, pk=id_or_none(request.GET.get("tipo", "") or
                                                                                request.POST.get("type", ""))).first()
    now = clock.now()
    slots = appointments.slot_list(user=request.user, kind=kind, start=now, end=now + timedelta(days=14))[:60] if kind else []
    context = {"ticket": ticket, "rows": appointments.ticket_appointments(user=request.user, ticket=ticket),
               "types": appointments.type_list(user=request.user).filter(active=True), "kind": kind,
               "slots": [appointments.instant(s.start) for s in slots], "now": now,
               "can_change": can_edit_ticket(request.user, ticket), "error": error}
    return render(request, "workspace/_ticket_appointments.html", context, status=400 if error else 200)


def _act(request: HttpRequest, ticket) -> str:
    action = request.POST.get("action", "")
    try:
        if action == "book":
            kind = appointments.type_get(user=request.user, type_id=id_or_none(request.POST.get("type", "")))
            appointment_services.appointment_book(actor=request.user, kind=kind, start=request.POST.get("start", ""),
                                                  ticket=ticket)
            return ""
        appointment = appointments.appointment_get(user=request.user, appointment_id=id_or_none(request.POST.get("appointment", "")))
        if appointment.ticket_id != ticket.pk:
            raise NotFound()
        if action == "no_show":
            appointment_services.appointment_mark_no_show(actor=request.user, appointment=appointment)
        elif action == "cancel":
            appointment_services.appointment_cancel(actor=request.user, appointment=appointment)
        else:
            return _("Unknown action.")
    except NotFound:
        return _("Choose one of the listed options.")
    except DomainError as exc:
        return error_text(exc)
    return ""


# --- absences -----------------------------------------------------------------------------------

@agent_required
@require_http_methods(["GET", "POST"])
def absences_view(request: HttpRequest) -> HttpResponse:
    """Agents' time away (slots leave it out): one's own, or everyone's for supervisors and
    administrators. POST records one; `borrar` deletes one."""
    staff_only(request)
    manager = can_manage_types(request.user)
    agents = (User.objects.filter(kind=UserKind.AGENT, is_active=True).order_by("name") if manager
              else User.objects.filter(pk=request.user.pk))
    form = AbsenceForm(request.POST or None, agents=agents, initial={"agent": request.user.pk})
    if request.method == "POST" and "borrar" in request.POST:
        try:
            absence = appointments.absence_get(user=request.user, absence_id=id_or_none(request.POST["borrar"]))
            appointment_services.absence_delete(actor=request.user, absence=absence)
        except NotFound:
            raise Http404() from None
        messages.success(request, _("Absence deleted."))
        return redirect("workspace:appointment-absences")
    if request.method == "POST" and form.is_valid():
        try:
            appointment_services.absence_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            for field, message in exc.fields.items():
                form.add_error(field if field in form.fields else None, str(message))
        else:
            messages.success(request, _("Absence recorded."))
            return redirect("workspace:appointment-absences")
    absences = appointments.absence_list(user=request.user, now=clock.now())
    return render(request, "workspace/appointment_absences.html", {"form": form, "absences": absences},
                  status=400 if request.method == "POST" else 200)
