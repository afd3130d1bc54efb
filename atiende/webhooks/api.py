"""Outbound webhooks (administrators): `/api/v1/webhooks/` and each subscription's delivery log.

The secret goes in and comes out once, in the answer to the POST that created the subscription
(made up when none was given); never again."""

from __future__ import annotations

import uuid

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from atiende.api.pagination import keyset_page
from atiende.api.views import ApiView
from atiende.core.exceptions import Invalid

from . import selectors, services
from .events import EVENTS
from .models import Attempt, Delivery, DeliveryStatus, Subscription
from .payloads import iso


class SubscriptionSerializer(serializers.ModelSerializer):
    """A subscription as administrators see it: never its secret."""

    events = serializers.ListField(child=serializers.ChoiceField(choices=list(EVENTS)))
    failing_since = serializers.DateTimeField(allow_null=True, help_text="First failure with no success since.")
    disabled_at = serializers.DateTimeField(allow_null=True, help_text="When it was disabled for failing too long.")

    class Meta:
        model = Subscription
        fields = ["id", "url", "events", "description", "active", "failing_since", "disabled_at", "created_at",
                  "updated_at"]


class CreatedSubscriptionSerializer(SubscriptionSerializer):
    secret = serializers.CharField(help_text="Shown this once: keep it to check the signatures.")

    class Meta(SubscriptionSerializer.Meta):
        fields = [*SubscriptionSerializer.Meta.fields, "secret"]


class SubscriptionInput(serializers.Serializer):
    url = serializers.CharField(max_length=2000)
    secret = serializers.CharField(max_length=200, required=False, default="", allow_blank=True, write_only=True,
                                   trim_whitespace=False,
                                   help_text="16 to 200 characters; left out on creation, one is made and returned.")
    events = serializers.ListField(child=serializers.ChoiceField(choices=list(EVENTS)), max_length=len(EVENTS),
                                   allow_empty=False)
    description = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    active = serializers.BooleanField(required=False, default=True)


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attempt
        fields = ["number", "manual", "started_at", "duration_ms", "url", "request_headers", "status_code",
                  "response_body", "error"]


class DeliverySerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", help_text="Also the X-Atiende-Delivery header and the body's id.")
    status = serializers.ChoiceField(choices=DeliveryStatus.choices)

    class Meta:
        model = Delivery
        fields = ["id", "event", "ticket_id", "status", "attempts", "created_at", "next_attempt_at", "delivered_at",
                  "failed_at", "last_status_code", "last_error"]


class DeliveryDetailSerializer(DeliverySerializer):
    body = serializers.CharField(help_text="The exact JSON text posted (and signed) on every attempt.")
    attempt_log = AttemptSerializer(many=True)

    class Meta(DeliverySerializer.Meta):
        fields = [*DeliverySerializer.Meta.fields, "body", "attempt_log"]


def _subscription(subscription: Subscription) -> dict:
    return {
        "id": subscription.pk, "url": subscription.url, "events": subscription.events,
        "description": subscription.description, "active": subscription.active,
        "failing_since": iso(subscription.failing_since), "disabled_at": iso(subscription.disabled_at),
        "created_at": iso(subscription.created_at), "updated_at": iso(subscription.updated_at),
    }


class WebhookListView(ApiView):
    @extend_schema(responses=SubscriptionSerializer(many=True))
    def get(self, request: Request) -> Response:
        subscriptions = selectors.subscription_list(user=request.user)
        return Response({"results": [_subscription(s) for s in subscriptions]})

    @extend_schema(request=SubscriptionInput, responses={201: CreatedSubscriptionSerializer})
    def post(self, request: Request) -> Response:
        selectors.subscription_list(user=request.user)  # 403 before the input is read
        data = SubscriptionInput(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = services.subscription_create(actor=request.user, **data.validated_data)
        return Response({**_subscription(subscription), "secret": subscription.secret}, status=201)


class WebhookDetailView(ApiView):
    @extend_schema(responses=SubscriptionSerializer)
    def get(self, request: Request, webhook_id: int) -> Response:
        return Response(_subscription(selectors.subscription_get(user=request.user, subscription_id=webhook_id)))

    @extend_schema(request=SubscriptionInput(partial=True), responses=SubscriptionSerializer)
    def patch(self, request: Request, webhook_id: int) -> Response:
        subscription = selectors.subscription_get(user=request.user, subscription_id=webhook_id)
        data = SubscriptionInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        subscription = services.subscription_update(actor=request.user, subscription=subscription,
                                                    **data.validated_data)
        return Response(_subscription(subscription))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, webhook_id: int) -> Response:
        subscription = selectors.subscription_get(user=request.user, subscription_id=webhook_id)
        services.subscription_delete(actor=request.user, subscription=subscription)
        return Response(status=204)


class DeliveryListView(ApiView):
    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=DeliveryStatus.values),
                    OpenApiParameter("cursor", str), OpenApiParameter("page_size", int)],
        responses=DeliverySerializer(many=True),
    )
    def get(self, request: Request, webhook_id: int) -> Response:
        subscription = selectors.subscription_get(user=request.user, subscription_id=webhook_id)
        status = request.query_params.get("status", "")
        if status and status not in DeliveryStatus.values:
            raise Invalid(fields={"status": _("Choose pending, delivered or failed.")})
        deliveries = selectors.delivery_list(user=request.user, subscription=subscription, status=status)
        rows, next_url = keyset_page(deliveries, request, ordering="-created_at", is_datetime=True)
        return Response({"results": DeliverySerializer(rows, many=True).data, "next": next_url})


class DeliveryDetailView(ApiView):
    @extend_schema(responses=DeliveryDetailSerializer)
    def get(self, request: Request, webhook_id: int, delivery_uuid: uuid.UUID) -> Response:
        subscription = selectors.subscription_get(user=request.user, subscription_id=webhook_id)
        delivery = selectors.delivery_get(user=request.user, subscription=subscription, public_id=delivery_uuid)
        data = DeliverySerializer(delivery).data
        data["body"] = delivery.body
        data["attempt_log"] = AttemptSerializer(selectors.attempt_list(delivery), many=True).data
        return Response(data)


class DeliveryRedeliverView(ApiView):
    @extend_schema(request=None, responses=DeliverySerializer)
    def post(self, request: Request, webhook_id: int, delivery_uuid: uuid.UUID) -> Response:
        subscription = selectors.subscription_get(user=request.user, subscription_id=webhook_id)
        delivery = services.delivery_redeliver(actor=request.user, subscription=subscription, public_id=delivery_uuid)
        return Response(DeliverySerializer(delivery).data)
