"""Merging customer profiles: POST /api/v1/customers/{id}/merge/ {"target": id} answers with the
survivor; GET /api/v1/customer-merges/{id}/ and POST /api/v1/customer-merges/{id}/undo/ (admins).
Here and not in customers/api.py because tickets move with the profile (tickets is above customers).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from atiende.api.ids import IdField
from atiende.api.views import ApiView
from atiende.customers import selectors as customer_selectors
from atiende.customers.api import CustomerSerializer

from . import selectors
from .models import CustomerMerge
from .serializers import RefSerializer
from .services.customer_merge import (
    customer_merge,
    customer_merge_undo,
    customer_merge_undo_deadline,
)


class CustomerMergeInput(serializers.Serializer):
    target = IdField(help_text="The customer that survives; the one in the URL is merged into it.")


class CustomerMergeSerializer(serializers.ModelSerializer):
    actor = RefSerializer(read_only=True)
    undone_by = RefSerializer(read_only=True, allow_null=True)
    tickets = serializers.SerializerMethodField()
    identities = serializers.SerializerMethodField()
    undo_until = serializers.SerializerMethodField()

    class Meta:
        model = CustomerMerge
        fields = ["id", "source", "target", "actor", "created_at", "tickets", "identities", "undo_until",
                  "undone_at", "undone_by"]
        read_only_fields = fields

    def get_tickets(self, merge: CustomerMerge) -> list[int]:
        return list(merge.moved.get("tickets", []))

    def get_identities(self, merge: CustomerMerge) -> list[int]:
        return [pk for pk, _primary in merge.moved.get("identities", [])]

    def get_undo_until(self, merge: CustomerMerge) -> str:
        return serializers.DateTimeField().to_representation(customer_merge_undo_deadline(merge))


class CustomerMergeView(ApiView):
    @extend_schema(request=CustomerMergeInput, responses=CustomerSerializer)
    def post(self, request: Request, customer_id: int) -> Response:
        source = customer_selectors.customer_get(user=request.user, customer_id=customer_id)
        data = CustomerMergeInput(data=request.data)
        data.is_valid(raise_exception=True)
        target = customer_selectors.customer_get(user=request.user, customer_id=data.validated_data["target"])
        merge = customer_merge(actor=request.user, source=source, target=target)
        survivor = customer_selectors.customer_get(user=request.user, customer_id=merge.target_id)
        return Response(CustomerSerializer(survivor, context={"request": request}).data)


class CustomerMergeDetailView(ApiView):
    @extend_schema(responses=CustomerMergeSerializer)
    def get(self, request: Request, merge_id: int) -> Response:
        merge = selectors.customer_merge_get(user=request.user, merge_id=merge_id)
        return Response(CustomerMergeSerializer(merge).data)


class CustomerMergeUndoView(ApiView):
    @extend_schema(request=None, responses=CustomerMergeSerializer)
    def post(self, request: Request, merge_id: int) -> Response:
        merge = selectors.customer_merge_get(user=request.user, merge_id=merge_id)
        merge = customer_merge_undo(actor=request.user, merge=merge)
        return Response(CustomerMergeSerializer(merge).data)
