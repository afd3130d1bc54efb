""""My appointments" and booking in the portal: pick a type, a day and a free time; reschedule
and cancel. Slots are buttons in a plain form, so a phone without JavaScript books too.
Parse, call one service or selector, render."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from itertools import groupby
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atiende.appointments import selectors as appointments
from atiende.appointments import services as appointment_services
from atiende.appointments.models import Appointment, AppointmentType
from atiende.core import clock
from atiende.core.exceptions import DomainError, NotFound

from .access import customer_page, viewer_zone

DAYS_SHOWN = 7


def _found(read, **kwargs):
    try:
        return read(user=kwargs.pop("user"), **kwargs)
    except NotFound:
        raise Http404() from None


def _first_day(request: HttpRequest, zone: ZoneInfo) -> date:
    today = clock.now().astimezone(zone).date()
    try:
        asked = date.fromisoformat(request.GET.get("desde", "")[:10])
    except ValueError:
        return today
    return min(max(asked, today), today + timedelta(days=366))


def _days(request: HttpRequest, kind: AppointmentType, *, ignore: int | None = None) -> dict:
    """The week of free slots shown, grouped by local day, with the links to the weeks around it."""
    zone = ZoneInfo(viewer_zone(request.user))
    first = _first_day(request, zone)
    start = datetime.combine(first, time(), tzinfo=zone)
    slots = appointments.slot_list(user=request.user, kind=kind, start=start, end=start + timedelta(days=DAYS_SHOWN),
                                   ignore=ignore)
    local = [(appointments.instant(s.start).astimezone(zone), s) for s in slots]
    days = [{"day": day, "slots": [{"at": at, "slot": s} for at, s in group]}
            for day, group in groupby(local, key=lambda pair: pair[0].date())]
    return {"days": days, "first": first, "next_week": first + timedelta(days=DAYS_SHOWN),
            "previous_week": first - timedelta(days=DAYS_SHOWN) if first > clock.now().astimezone(zone).date() else None}


def _taken(request: HttpRequest, exc: appointment_services.SlotTaken) -> list[datetime]:
    zone = ZoneInfo(viewer_zone(request.user))
    return [datetime.fromisoformat(s["start"]).astimezone(zone) for s in exc.next_slots]


@customer_page
@require_GET
def appointments_view(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/appointments.html", {
        "upcoming": appointments.upcoming_for_customer(user=request.user),
        "past": appointments.past_for_customer(user=request.user), "nav": "appointments"})


@customer_page
@require_GET
def appointment_types_view(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/appointment_types.html",
                  {"types": appointments.type_list(user=request.user), "nav": "appointments"})


@customer_page
@require_http_methods(["GET", "POST"])
def appointment_book_view(request: HttpRequest, type_id: int) -> HttpResponse:
    kind = _found(appointments.type_get, user=request.user, type_id=type_id)
    context, status = {"kind": kind, "nav": "appointments"}, 200
    if request.method == "POST":
        try:
            appointment_services.appointment_book(actor=request.user, kind=kind, start=request.POST.get("start", ""),
                                                  time_zone=viewer_zone(request.user))
        except appointment_services.SlotTaken as exc:
            context.update(error=str(exc.message), alternatives=_taken(request, exc))
            status = 409
        except DomainError as exc:
            context["error"], status = str(exc.message or next(iter(exc.fields.values()), exc.code)), exc.status
        else:
            messages.success(request, _("Your appointment is booked. We sent you the invitation by email."))
            return redirect("portal:appointments")
    return render(request, "portal/appointment_book.html", {**context, **_days(request, kind)}, status=status)


@customer_page
@require_http_methods(["GET", "POST"])
def appointment_reschedule_view(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment: Appointment = _found(appointments.appointment_get, user=request.user, appointment_id=appointment_id)
    context, status = {"kind": appointment.type, "appointment": appointment, "nav": "appointments"}, 200
    if request.method == "POST":
        try:
            appointment_services.appointment_reschedule(actor=request.user, appointment=appointment,
                                                        start=request.POST.get("start", ""))
        except appointment_services.SlotTaken as exc:
            context.update(error=str(exc.message), alternatives=_taken(request, exc))
            status = 409
        except DomainError as exc:
            context["error"], status = str(exc.message or next(iter(exc.fields.values()), exc.code)), exc.status
        else:
            messages.success(request, _("Your appointment was moved. We sent you the new invitation by email."))
            return redirect("portal:appointments")
    return render(request, "portal/appointment_book.html",
                  {**context, **_days(request, appointment.type, ignore=appointment.pk)}, status=status)


@customer_page
@require_POST
def appointment_cancel_view(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = _found(appointments.appointment_get, user=request.user, appointment_id=appointment_id)
    try:
        appointment_services.appointment_cancel(actor=request.user, appointment=appointment)
    except DomainError as exc:
        messages.error(request, str(exc.message or exc.code))
    else:
        messages.success(request, _("Your appointment was cancelled."))
    return redirect("portal:appointments")
