"""Business-calendar endpoints under /api/v1/business-calendars/."""

from __future__ import annotations

from datetime import datetime

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from atiende.api.params import check_span, count_param, instant_param
from atiende.api.views import ApiView
from atiende.core.exceptions import Invalid

from . import selectors, services
from .calendar import CalendarError, check_supported
from .models import Calendar

# Bounds on what one request may ask a calendar to compute: a due date up to five years of
# round-the-clock minutes ahead (the calendar looks no further for open time), a count across
# at most five years.
MAX_DUE_MINUTES = 5 * 365 * 24 * 60
MAX_BETWEEN_DAYS = 5 * 366


def supported_instant(value: datetime, *, field: str) -> datetime:
    """`value` when a business calendar can work with it, else a 400 naming `field`."""
    try:
        check_supported(value)
    except CalendarError as exc:
        raise Invalid(fields={field: str(exc)}) from None
    return value


class CalendarSerializer(serializers.ModelSerializer):
    holidays = serializers.CharField(allow_null=True, allow_blank=True, required=False)

    class Meta:
        model = Calendar
        fields = ["id", "name", "time_zone", "hours", "holidays", "closures", "created_at", "updated_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["holidays"] = data["holidays"] or None
        return data


class CalendarInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    time_zone = serializers.CharField(max_length=64)
    hours = serializers.JSONField()
    holidays = serializers.CharField(allow_null=True, allow_blank=True, required=False, default="MX")
    closures = serializers.JSONField(required=False, default=list)


class CalendarListView(ApiView):
    @extend_schema(responses=CalendarSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response({"results": CalendarSerializer(selectors.calendar_list(user=request.user), many=True).data})

    @extend_schema(request=CalendarInput, responses={201: CalendarSerializer})
    def post(self, request: Request) -> Response:
        data = CalendarInput(data=request.data)
        data.is_valid(raise_exception=True)
        calendar = services.calendar_create(actor=request.user, **data.validated_data)
        return Response(CalendarSerializer(calendar).data, status=201)


class CalendarDetailView(ApiView):
    @extend_schema(responses=CalendarSerializer)
    def get(self, request: Request, calendar_id: int) -> Response:
        return Response(CalendarSerializer(selectors.calendar_get(user=request.user, calendar_id=calendar_id)).data)

    @extend_schema(request=CalendarInput, responses=CalendarSerializer)
    def patch(self, request: Request, calendar_id: int) -> Response:
        calendar = selectors.calendar_get(user=request.user, calendar_id=calendar_id)
        data = CalendarInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = {key: value for key, value in data.validated_data.items() if key in request.data}
        return Response(CalendarSerializer(services.calendar_update(actor=request.user, calendar=calendar, changes=changes)).data)


class CalendarDueView(ApiView):
    @extend_schema(
        parameters=[OpenApiParameter("start", str, required=True), OpenApiParameter("minutes", int, required=True)],
        responses=inline_serializer("Due", {"due": serializers.DateTimeField()}),
    )
    def get(self, request: Request, calendar_id: int) -> Response:
        calendar = selectors.calendar_get(user=request.user, calendar_id=calendar_id)
        start = supported_instant(instant_param(request, "start"), field="start")
        minutes = count_param(request, "minutes", minimum=0, maximum=MAX_DUE_MINUTES)
        arithmetic = selectors.arithmetic_for(calendar)
        try:
            due = arithmetic.add(start, minutes).astimezone(arithmetic.zone)
        except CalendarError as exc:
            raise Invalid(fields={"minutes": str(exc)}) from None
        return Response({"due": due.isoformat()})


class CalendarBetweenView(ApiView):
    @extend_schema(
        parameters=[OpenApiParameter("start", str, required=True), OpenApiParameter("end", str, required=True)],
        responses=inline_serializer("Between", {"minutes": serializers.FloatField()}),
    )
    def get(self, request: Request, calendar_id: int) -> Response:
        calendar = selectors.calendar_get(user=request.user, calendar_id=calendar_id)
        start, end = instant_param(request, "start"), instant_param(request, "end")
        check_span(*sorted((start, end)), max_days=MAX_BETWEEN_DAYS, field="end")
        start, end = supported_instant(start, field="start"), supported_instant(end, field="end")
        minutes = selectors.arithmetic_for(calendar).between(start, end)
        return Response({"minutes": int(minutes) if minutes == int(minutes) else minutes})
