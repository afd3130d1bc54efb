"""Appointment types, their free slots and appointments under /api/v1/: parse, call one service
or selector, render. Values are checked by the services."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from atiende.api.ids import IdField
from atiende.api.views import ApiView
from atiende.core import clock
from atiende.core.exceptions import Invalid
from atiende.tickets.selectors import ticket_get

from . import selectors, services
from .models import Appointment, AppointmentKind, AppointmentType


def type_data(kind: AppointmentType) -> dict:
    return {"id": kind.pk, "name": kind.name, "kind": kind.kind, "minutes": kind.minutes, "seats": kind.seats,
            "team": kind.team_id, "buffer_before": kind.buffer_before, "buffer_after": kind.buffer_after,
            "min_notice_minutes": kind.min_notice_minutes, "max_days_ahead": kind.max_days_ahead,
            "step_minutes": kind.step_minutes, "active": kind.active}


def appointment_data(appointment: Appointment) -> dict:
    return {"id": appointment.pk, "type": appointment.type_id, "type_name": appointment.type.name,
            "kind": appointment.type.kind, "start": appointment.start.isoformat(), "end": appointment.end.isoformat(),
            "status": appointment.status, "ticket": appointment.ticket_id, "ticket_number": appointment.ticket.number,
            "customer": appointment.customer_id, "agent": appointment.agent_id, "agent_name": appointment.agent.name,
            "seat": appointment.seat, "time_zone": appointment.time_zone}


def _given(request: Request, fields: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(request.data, dict):
        raise Invalid(_("Send a JSON object."))
    return {key: request.data[key] for key in fields if key in request.data}


def _instant(request: Request, name: str, default: datetime) -> datetime:
    """An ISO instant with offset, or a date (its midnight in the site's time zone)."""
    raw = request.query_params.get(name, "")[:40]
    if not raw:
        return default
    try:
        day = parse_date(raw) if len(raw) == 10 else None
        found = (datetime.combine(day, time(), tzinfo=ZoneInfo(settings.TIME_ZONE)) if day is not None
                 else parse_datetime(raw.replace(" ", "+")))  # a "+" in a query string arrives as a space
    except ValueError:
        found = None
    if found is None or found.tzinfo is None or not services.YEARS[0] <= found.year <= services.YEARS[1]:
        raise Invalid(fields={name: _("Give a date (YYYY-MM-DD) or a date and time with its offset.")})
    return found


class TypeInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=AppointmentKind.choices)
    minutes = serializers.IntegerField()
    seats = serializers.IntegerField(required=False)
    team = IdField()
    agents = serializers.ListField(child=IdField(), required=False)


class BookingInput(serializers.Serializer):
    type = IdField()
    start = serializers.DateTimeField()
    ticket = IdField(required=False)


class TypeListView(ApiView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        return Response({"results": [type_data(k) for k in selectors.type_list(user=request.user)]})

    @extend_schema(request=TypeInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        kind = services.type_create(actor=request.user, **_given(request, services.TYPE_FIELDS))
        return Response(type_data(kind), status=201)


class TypeDetailView(ApiView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, type_id: int) -> Response:
        return Response(type_data(selectors.type_get(user=request.user, type_id=type_id)))

    @extend_schema(request=TypeInput, responses=OpenApiTypes.OBJECT)
    def patch(self, request: Request, type_id: int) -> Response:
        kind = selectors.type_get(user=request.user, type_id=type_id)
        return Response(type_data(services.type_update(actor=request.user, kind=kind,
                                                       changes=_given(request, services.TYPE_FIELDS))))


class TypeSlotsView(ApiView):
    @extend_schema(parameters=[OpenApiParameter("from", str), OpenApiParameter("to", str)], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, type_id: int) -> Response:
        kind = selectors.type_get(user=request.user, type_id=type_id)
        start = _instant(request, "from", clock.now())
        end = _instant(request, "to", start + timedelta(days=7))
        if not start < end <= start + selectors.MAX_RANGE:
            raise Invalid(fields={"to": _("Ask for at most %(days)s days after from.") % {"days": selectors.MAX_RANGE.days}})
        slots = selectors.slot_list(user=request.user, kind=kind, start=start, end=end)
        return Response({"slots": services.slot_dicts(slots)})


class AppointmentListView(ApiView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        rows = selectors.appointment_list(user=request.user).order_by("-start", "-id")[:200]
        return Response({"results": [appointment_data(a) for a in rows]})

    @extend_schema(request=BookingInput, responses={201: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        given = _given(request, ("type", "start", "ticket"))
        if "type" not in given or "start" not in given:
            raise Invalid(fields={name: _("This field is required.") for name in ("type", "start") if name not in given})
        kind = selectors.type_get(user=request.user, type_id=given["type"])
        ticket = ticket_get(user=request.user, ticket_id=given["ticket"]) if given.get("ticket") is not None else None
        appointment = services.appointment_book(actor=request.user, kind=kind, start=given["start"], ticket=ticket)
        return Response(appointment_data(appointment), status=201)


class AppointmentDetailView(ApiView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, appointment_id: int) -> Response:
        return Response(appointment_data(selectors.appointment_get(user=request.user, appointment_id=appointment_id)))


class AppointmentCancelView(ApiView):
    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, appointment_id: int) -> Response:
        appointment = selectors.appointment_get(user=request.user, appointment_id=appointment_id)
        return Response(appointment_data(services.appointment_cancel(actor=request.user, appointment=appointment)))


class AppointmentRescheduleView(ApiView):
    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT})
    def post(self, request: Request, appointment_id: int) -> Response:
        appointment = selectors.appointment_get(user=request.user, appointment_id=appointment_id)
        start = _given(request, ("start",)).get("start")
        moved = services.appointment_reschedule(actor=request.user, appointment=appointment, start=start)
        return Response(appointment_data(moved))


class AppointmentNoShowView(ApiView):
    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, appointment_id: int) -> Response:
        appointment = selectors.appointment_get(user=request.user, appointment_id=appointment_id)
        return Response(appointment_data(services.appointment_mark_no_show(actor=request.user, appointment=appointment)))
