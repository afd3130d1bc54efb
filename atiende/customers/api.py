"""Customer and organization endpoints under /api/v1/."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from atiende.accounts.permissions import is_agent
from atiende.api.ids import IdField, id_param
from atiende.api.pagination import keyset_page
from atiende.api.views import ApiView
from atiende.core.exceptions import Invalid

from . import selectors, services
from .models import (
    ContactChannel,
    Customer,
    IdentityKind,
    Organization,
    Sector,
    Segment,
    SupportPlan,
)


class IdentitySerializer(serializers.Serializer):
    kind = serializers.CharField()
    value = serializers.CharField()
    is_primary = serializers.BooleanField()


class CustomerSerializer(serializers.ModelSerializer):
    identities = IdentitySerializer(many=True)
    organization = serializers.SerializerMethodField()

    class Meta:
        model = Customer
        fields = ["id", "name", "preferred_name", "organization", "is_organization_admin", "identities", "language",
                  "time_zone", "preferred_channel", "notes", "created_at"]

    def get_organization(self, customer: Customer) -> dict | None:
        org = customer.organization
        return {"id": org.id, "name": org.name} if org else None

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not is_agent(self.context["request"].user):
            data.pop("notes")  # internal notes never reach a customer
        return data


class CustomerInput(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, default="")
    preferred_name = serializers.CharField(max_length=100, required=False, allow_blank=True,
                                           help_text="What they like to be called; greetings use it.")
    email = serializers.CharField(max_length=254, required=False)
    phone = serializers.CharField(max_length=40, required=False)
    whatsapp = serializers.CharField(max_length=40, required=False)
    telegram = serializers.CharField(max_length=40, required=False)
    organization = IdField(required=False, allow_null=True)
    is_organization_admin = serializers.BooleanField(required=False)
    language = serializers.ChoiceField(choices=["es-mx", "en"], required=False)
    time_zone = serializers.CharField(max_length=64, required=False)
    preferred_channel = serializers.ChoiceField(choices=[("", "")] + ContactChannel.choices, required=False,
                                                allow_blank=True,
                                                help_text="How notices reach them when they can; empty: email.")
    notes = serializers.CharField(required=False, allow_blank=True)


def _identities(data: dict) -> dict[str, str]:
    return {kind: data[kind] for kind in IdentityKind.values if kind in data}


def _organization(data: dict) -> dict:
    if "organization" not in data:
        return {}
    if data["organization"] is None:
        return {"organization": None}
    found = Organization.objects.filter(pk=data["organization"]).first()
    if found is None:
        raise Invalid(fields={"organization": _("There is no organization with this id.")})
    return {"organization": found}


class CustomerListView(ApiView):
    @extend_schema(
        parameters=[OpenApiParameter("email", str), OpenApiParameter("phone", str), OpenApiParameter("organization", int),
                    OpenApiParameter("cursor", str), OpenApiParameter("page_size", int)],
        responses=CustomerSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        qs = selectors.customer_list(
            user=request.user,
            email=request.query_params.get("email"),
            phone=request.query_params.get("phone"),
            organization_id=id_param(request, "organization"),
        )
        rows, next_url = keyset_page(qs, request, ordering="id", is_datetime=False)
        return Response({"results": CustomerSerializer(rows, many=True, context={"request": request}).data, "next": next_url})

    @extend_schema(request=CustomerInput, responses={201: CustomerSerializer})
    def post(self, request: Request) -> Response:
        data = CustomerInput(data=request.data)
        data.is_valid(raise_exception=True)
        given = data.validated_data
        customer = services.customer_create_by(
            actor=request.user,
            name=given["name"],
            preferred_name=given.get("preferred_name", ""),
            identities=_identities(given),
            is_organization_admin=given.get("is_organization_admin", False),
            language=given.get("language", ""),
            time_zone=given.get("time_zone", ""),
            preferred_channel=given.get("preferred_channel", ""),
            **_organization(given),
        )
        customer = selectors.customer_get(user=request.user, customer_id=customer.pk)
        return Response(CustomerSerializer(customer, context={"request": request}).data, status=201)


class CustomerDetailView(ApiView):
    @extend_schema(responses=CustomerSerializer)
    def get(self, request: Request, customer_id: int) -> Response:
        customer = selectors.customer_get(user=request.user, customer_id=customer_id, follow_merges=True)
        return Response(CustomerSerializer(customer, context={"request": request}).data)

    @extend_schema(request=CustomerInput, responses=CustomerSerializer)
    def patch(self, request: Request, customer_id: int) -> Response:
        customer = selectors.customer_get(user=request.user, customer_id=customer_id)
        data = CustomerInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        given = dict(data.validated_data)
        changes = {k: v for k, v in given.items() if k in request.data and k not in IdentityKind.values and k != "organization"}
        changes.update(_organization(given))
        if _identities(given):
            changes["identities"] = _identities(given)
        services.customer_update(actor=request.user, customer=customer, changes=changes)
        customer = selectors.customer_get(user=request.user, customer_id=customer_id)
        return Response(CustomerSerializer(customer, context={"request": request}).data)

    def delete(self, request: Request, customer_id: int) -> Response:
        customer = selectors.customer_get(user=request.user, customer_id=customer_id)
        services.customer_delete(actor=request.user, customer=customer)
        return Response(status=204)


class SectorField(serializers.SlugRelatedField):
    """A sector by its key. A key with a NUL character names no sector: PostgreSQL refuses NUL in
    a query, so it is answered here (400, "does not exist") instead of reaching the database."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="key", queryset=Sector.objects.all(), **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return super().to_internal_value(data)


class OrganizationSerializer(serializers.ModelSerializer):
    sector = SectorField(allow_null=True, required=False)
    support_plan = serializers.PrimaryKeyRelatedField(queryset=SupportPlan.objects.all(), allow_null=True, required=False)
    account_manager = serializers.SerializerMethodField()
    segment = serializers.ChoiceField(choices=Segment.choices, required=False)

    class Meta:
        model = Organization
        fields = ["id", "name", "segment", "sector", "support_plan", "account_manager", "notes", "created_at"]

    def get_account_manager(self, org: Organization) -> dict | None:
        manager = org.account_manager
        return {"id": manager.id, "name": manager.name} if manager else None

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not is_agent(self.context["request"].user):
            data.pop("notes")
        return data


class OrganizationInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    segment = serializers.ChoiceField(choices=Segment.choices, required=False, default=Segment.PYME)
    sector = SectorField(allow_null=True, required=False)
    support_plan = serializers.PrimaryKeyRelatedField(queryset=SupportPlan.objects.all(), allow_null=True, required=False)
    account_manager = IdField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)


def _manager(data: dict) -> dict:
    from atiende.accounts.models import User

    if "account_manager" not in data:
        return data
    data = dict(data)
    if data["account_manager"] is not None:
        manager = User.objects.filter(pk=data["account_manager"], kind="agent").first()
        if manager is None:
            raise Invalid(fields={"account_manager": _("There is no agent with this id.")})
        data["account_manager"] = manager
    return data


class OrganizationListView(ApiView):
    @extend_schema(responses=OrganizationSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows, next_url = keyset_page(selectors.organization_list(user=request.user), request, ordering="id", is_datetime=False)
        return Response({"results": OrganizationSerializer(rows, many=True, context={"request": request}).data, "next": next_url})

    @extend_schema(request=OrganizationInput, responses={201: OrganizationSerializer})
    def post(self, request: Request) -> Response:
        data = OrganizationInput(data=request.data)
        data.is_valid(raise_exception=True)
        org = services.organization_create(actor=request.user, **_manager(data.validated_data))
        org = selectors.organization_get(user=request.user, organization_id=org.pk)
        return Response(OrganizationSerializer(org, context={"request": request}).data, status=201)


class OrganizationDetailView(ApiView):
    @extend_schema(responses=OrganizationSerializer)
    def get(self, request: Request, organization_id: int) -> Response:
        org = selectors.organization_get(user=request.user, organization_id=organization_id)
        return Response(OrganizationSerializer(org, context={"request": request}).data)

    @extend_schema(request=OrganizationInput, responses=OrganizationSerializer)
    def patch(self, request: Request, organization_id: int) -> Response:
        org = selectors.organization_get(user=request.user, organization_id=organization_id)
        data = OrganizationInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.organization_update(actor=request.user, organization=org, changes=_manager(data.validated_data))
        org = selectors.organization_get(user=request.user, organization_id=organization_id)
        return Response(OrganizationSerializer(org, context={"request": request}).data)

    def delete(self, request: Request, organization_id: int) -> Response:
        org = selectors.organization_get(user=request.user, organization_id=organization_id)
        services.organization_delete(actor=request.user, organization=org)
        return Response(status=204)
