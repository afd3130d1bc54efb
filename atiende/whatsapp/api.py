"""WhatsApp numbers (administrators) and their webhook (Meta).

`/api/v1/channels/whatsapp/` lists and connects numbers; the secrets go in and never come out.
`/api/v1/channels/whatsapp/{id}/templates/` are its approved message templates (administrators).
`/api/v1/channels/whatsapp/{id}/webhook/` is Meta's: GET the subscription handshake, POST the
notifications, signed with the app secret over the raw body, stored before anything else."""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from atiende.api.ids import IdField
from atiende.api.teams import with_team
from atiende.api.views import ApiView
from atiende.core.bodies import read_capped_body
from atiende.core.cache import count as cache_count
from atiende.core.exceptions import Invalid, TooLarge

from . import selectors, services, templating
from .models import DEFAULT_API_BASE, WhatsAppNumber, WhatsAppTemplate

MAX_BODY_BYTES = 1024 * 1024
SIGNATURE_HEADER = "X-Hub-Signature-256"


class NumberSerializer(serializers.ModelSerializer):
    """A number as administrators see it: never its secrets."""

    webhook_url = serializers.SerializerMethodField()

    class Meta:
        model = WhatsAppNumber
        fields = ["id", "name", "phone_number_id", "api_base", "team", "active", "webhook_url", "created_at"]

    def get_webhook_url(self, number: WhatsAppNumber) -> str:
        path = reverse("api:whatsapp-webhook", kwargs={"number_id": number.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class NumberInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    phone_number_id = serializers.CharField(max_length=64)
    verify_token = serializers.CharField(max_length=500, write_only=True)
    app_secret = serializers.CharField(max_length=500, write_only=True)
    access_token = serializers.CharField(max_length=2000, write_only=True)
    api_base = serializers.CharField(max_length=200, required=False, default=DEFAULT_API_BASE)
    team = IdField(required=False, allow_null=True)
    active = serializers.BooleanField(required=False, default=True)


class NumberListView(ApiView):
    @extend_schema(responses=NumberSerializer(many=True))
    def get(self, request: Request) -> Response:
        numbers = selectors.number_list(user=request.user)
        return Response({"results": NumberSerializer(numbers, many=True, context={"request": request}).data})

    @extend_schema(request=NumberInput, responses={201: NumberSerializer})
    def post(self, request: Request) -> Response:
        selectors.number_list(user=request.user)  # 403 before the input is read
        data = NumberInput(data=request.data)
        data.is_valid(raise_exception=True)
        number = services.number_create(actor=request.user, **with_team(data.validated_data))
        return Response(NumberSerializer(number, context={"request": request}).data, status=201)


class NumberDetailView(ApiView):
    @extend_schema(responses=NumberSerializer)
    def get(self, request: Request, number_id: int) -> Response:
        number = selectors.number_get(user=request.user, number_id=number_id)
        return Response(NumberSerializer(number, context={"request": request}).data)

    @extend_schema(request=NumberInput(partial=True), responses=NumberSerializer)
    def patch(self, request: Request, number_id: int) -> Response:
        number = selectors.number_get(user=request.user, number_id=number_id)
        data = NumberInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        number = services.number_update(actor=request.user, number=number, **with_team(data.validated_data))
        return Response(NumberSerializer(number, context={"request": request}).data)


class TemplateSerializer(serializers.ModelSerializer):
    variables = serializers.SerializerMethodField()

    class Meta:
        model = WhatsAppTemplate
        fields = ["id", "number", "name", "language", "body", "variables", "active", "for_notices", "created_at"]

    def get_variables(self, template: WhatsAppTemplate) -> int:
        return templating.variable_count(template.body)


class TemplateInput(serializers.Serializer):
    name = serializers.CharField(max_length=512)
    language = serializers.CharField(max_length=15)
    body = serializers.CharField(max_length=templating.MAX_BODY, trim_whitespace=False)
    active = serializers.BooleanField(required=False, default=True)
    for_notices = serializers.BooleanField(
        required=False, default=False,
        help_text="Notices to customers who prefer WhatsApp go with it: {{1}} name, {{2}} subject, {{3}} link.")


class TemplateListView(ApiView):
    @extend_schema(responses=TemplateSerializer(many=True))
    def get(self, request: Request, number_id: int) -> Response:
        number = selectors.number_get(user=request.user, number_id=number_id)
        templates = selectors.template_list(user=request.user, number=number)
        return Response({"results": TemplateSerializer(templates, many=True).data})

    @extend_schema(request=TemplateInput, responses={201: TemplateSerializer})
    def post(self, request: Request, number_id: int) -> Response:
        number = selectors.number_get(user=request.user, number_id=number_id)
        data = TemplateInput(data=request.data)
        data.is_valid(raise_exception=True)
        template = services.template_create(actor=request.user, number=number, **data.validated_data)
        return Response(TemplateSerializer(template).data, status=201)


class TemplateDetailView(ApiView):
    def _get(self, request: Request, number_id: int, template_id: int) -> WhatsAppTemplate:
        number = selectors.number_get(user=request.user, number_id=number_id)
        return selectors.template_get(user=request.user, number=number, template_id=template_id)

    @extend_schema(responses=TemplateSerializer)
    def get(self, request: Request, number_id: int, template_id: int) -> Response:
        return Response(TemplateSerializer(self._get(request, number_id, template_id)).data)

    @extend_schema(request=TemplateInput(partial=True), responses=TemplateSerializer)
    def patch(self, request: Request, number_id: int, template_id: int) -> Response:
        template = self._get(request, number_id, template_id)
        data = TemplateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        template = services.template_update(actor=request.user, template=template, **data.validated_data)
        return Response(TemplateSerializer(template).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, number_id: int, template_id: int) -> Response:
        services.template_delete(actor=request.user, template=self._get(request, number_id, template_id))
        return Response(status=204)


class WebhookThrottle(BaseThrottle):
    """A ceiling per number and minute (WHATSAPP_WEBHOOK_PER_MINUTE), not the anonymous rate per
    address: Meta posts every customer's messages and receipts from a few addresses. A counter
    (one counter, `core.cache.count`), not DRF's list of timestamps, which grows with the rate."""

    def allow_request(self, request: Request, view: APIView) -> bool:
        key = f"whatsapp-webhook:{view.kwargs.get('number_id')}:{int(time.time() // 60)}"
        count = cache_count(key, window=120)
        return count <= settings.WHATSAPP_WEBHOOK_PER_MINUTE

    def wait(self) -> float:
        return 60 - time.time() % 60


# Deliberately not ApiView: Meta sends no token and no Idempotency-Key; the signature is the proof.
class WebhookView(APIView):
    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes = [WebhookThrottle]

    @extend_schema(
        operation_id="whatsapp_webhook_verify",
        parameters=[OpenApiParameter("hub.mode", str), OpenApiParameter("hub.verify_token", str),
                    OpenApiParameter("hub.challenge", str)],
        responses={(200, "text/plain"): OpenApiTypes.STR},
    )
    def get(self, request: Request, number_id: int) -> HttpResponse:
        number = selectors.number_for_webhook(number_id)
        params = request.query_params
        challenge = services.handshake(number, mode=params.get("hub.mode", ""), token=params.get("hub.verify_token", ""),
                                       challenge=params.get("hub.challenge", ""))
        return HttpResponse(challenge, content_type="text/plain; charset=utf-8")

    @extend_schema(
        operation_id="whatsapp_webhook_notify",
        request={"application/json": OpenApiTypes.OBJECT},
        parameters=[OpenApiParameter(SIGNATURE_HEADER, str, OpenApiParameter.HEADER, required=True)],
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, number_id: int) -> Response:
        number = selectors.number_for_webhook(number_id, notification=True)
        body = _read_body(request)
        services.webhook_receive(number, body, request.headers.get(SIGNATURE_HEADER, ""))
        return Response({"received": True})


def _read_body(request: Request) -> bytes:
    return read_capped_body(
        request, limit=MAX_BODY_BYTES,
        too_large=TooLarge(_("The notification is larger than 1 MB."), code="body_too_large"),
        empty=Invalid(_("The body is not valid JSON."), code="bad_payload"),
    )
