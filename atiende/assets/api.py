"""Products, assets, extended warranties, coverage and ticket links under /api/v1/: parse, call
one service or selector, render. Values are checked by the services (one set of rules for the
API, the pages and the import); the serializers here describe them for the schema."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from atiende.accounts.permissions import is_staff_agent
from atiende.api.ids import IdField, id_param
from atiende.api.pagination import keyset_page
from atiende.api.views import ApiView
from atiende.core.exceptions import Invalid
from atiende.tickets.selectors import ticket_get

from . import selectors, services
from .coverage import Coverage
from .models import Asset, AssetStatus, Product, ProductKind, Warranty, WarrantyKind


def product_data(product: Product, *, staff: bool) -> dict:
    data = {"id": product.pk, "name": product.name, "kind": product.kind, "sku": product.sku,
            "warranty_months": product.warranty_months, "warranty_terms": product.warranty_terms,
            "is_maintainable": product.is_maintainable, "is_returnable": product.is_returnable,
            "is_installable": product.is_installable}
    if staff:
        data.update(created_at=product.created_at.isoformat(), updated_at=product.updated_at.isoformat())
    return data


def asset_data(asset: Asset) -> dict:
    return {"id": asset.pk, "product": asset.product_id, "product_name": asset.product.name,
            "kind": asset.product.kind, "customer": asset.customer_id, "organization": asset.organization_id,
            "identifier": asset.identifier, "purchased_on": asset.purchased_on.isoformat(),
            "order_ref": asset.order_ref, "installation_address": asset.installation_address,
            "status": asset.status, "attributes": dict(asset.attributes),
            "created_at": asset.created_at.isoformat(), "updated_at": asset.updated_at.isoformat()}


def warranty_data(warranty: Warranty) -> dict:
    return {"id": warranty.pk, "kind": warranty.kind, "starts_on": warranty.starts_on.isoformat(),
            "ends_on": warranty.ends_on.isoformat(), "covers": warranty.covers, "excludes": warranty.excludes}


def coverage_data(found: Coverage) -> dict:
    return {"covered": found.covered, "until": found.until.isoformat() if found.until else None,
            "extended": found.extended, "ended_on": found.ended_on.isoformat() if found.ended_on else None}


def _given(request: Request, fields: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(request.data, dict):
        raise Invalid(_("Send a JSON object."))
    return {key: request.data[key] for key in fields if key in request.data}


def _flag_param(request: Request, name: str) -> bool | None:
    raw = request.query_params.get(name, "")
    if raw == "":
        return None
    if raw.lower() not in ("true", "false", "1", "0"):
        raise Invalid(fields={name: _("Use true or false.")})
    return raw.lower() in ("true", "1")


class ProductInput(serializers.Serializer):
    name = serializers.CharField(max_length=services.MAX_NAME)
    kind = serializers.ChoiceField(choices=ProductKind.choices)
    sku = serializers.CharField(required=False, max_length=services.MAX_SKU)
    warranty_months = serializers.IntegerField(required=False, min_value=0, max_value=services.MAX_WARRANTY_MONTHS)
    warranty_terms = serializers.CharField(required=False)
    is_maintainable = serializers.BooleanField(required=False)
    is_returnable = serializers.BooleanField(required=False)
    is_installable = serializers.BooleanField(required=False)


class AssetInput(serializers.Serializer):
    product = IdField()
    customer = IdField(required=False, allow_null=True, help_text="The owner: a customer or an organization.")
    organization = IdField(required=False, allow_null=True)
    identifier = serializers.CharField(max_length=services.MAX_IDENTIFIER, help_text="Serial number, domain, plan id.")
    purchased_on = serializers.DateField()
    order_ref = serializers.CharField(required=False, max_length=services.MAX_REF)
    installation_address = serializers.CharField(required=False)
    status = serializers.ChoiceField(choices=AssetStatus.choices, required=False)
    attributes = serializers.JSONField(required=False, help_text="Keys allowed per product kind (assets/attributes.py).")


class WarrantyInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=WarrantyKind.choices)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    covers = serializers.CharField(required=False)
    excludes = serializers.CharField(required=False)


class LinkInput(serializers.Serializer):
    asset = IdField()


class ProductListView(ApiView):
    @extend_schema(parameters=[OpenApiParameter("kind", str, enum=ProductKind.values)], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        kind = request.query_params.get("kind", "")
        if kind and kind not in ProductKind.values:
            raise Invalid(fields={"kind": _("Unknown kind.")})
        staff = is_staff_agent(request.user)
        return Response({"results": [product_data(p, staff=staff) for p in selectors.product_list(user=request.user, kind=kind)]})

    @extend_schema(request=ProductInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        product = services.product_create(actor=request.user, **_given(request, services.PRODUCT_FIELDS))
        return Response(product_data(product, staff=True), status=201)


class ProductDetailView(ApiView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, product_id: int) -> Response:
        product = selectors.product_get(user=request.user, product_id=product_id)
        return Response(product_data(product, staff=is_staff_agent(request.user)))

    @extend_schema(request=ProductInput, responses=OpenApiTypes.OBJECT)
    def patch(self, request: Request, product_id: int) -> Response:
        product = selectors.product_get(user=request.user, product_id=product_id)
        product = services.product_update(actor=request.user, product=product,
                                          changes=_given(request, services.PRODUCT_FIELDS))
        return Response(product_data(product, staff=True))

    def delete(self, request: Request, product_id: int) -> Response:
        services.product_delete(actor=request.user, product=selectors.product_get(user=request.user, product_id=product_id))
        return Response(status=204)


class AssetListView(ApiView):
    @extend_schema(parameters=[OpenApiParameter("customer", int), OpenApiParameter("organization", int),
                               OpenApiParameter("product", int), OpenApiParameter("identifier", str),
                               OpenApiParameter("warranty_active", bool), OpenApiParameter("cursor", str),
                               OpenApiParameter("page_size", int)],
                   responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        filters = selectors.AssetFilters(
            customer=id_param(request, "customer"), organization=id_param(request, "organization"),
            product=id_param(request, "product"), identifier=request.query_params.get("identifier", "")[:200],
            warranty_active=_flag_param(request, "warranty_active"))
        rows, next_url = keyset_page(selectors.asset_list(user=request.user, filters=filters), request,
                                     ordering="id", is_datetime=False)
        return Response({"results": [asset_data(a) for a in rows], "next": next_url})

    @extend_schema(request=AssetInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        asset = services.asset_create(actor=request.user, **_given(request, services.ASSET_FIELDS))
        return Response(asset_data(selectors.asset_get(user=request.user, asset_id=asset.pk)), status=201)


class AssetDetailView(ApiView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, asset_id: int) -> Response:
        return Response(asset_data(selectors.asset_get(user=request.user, asset_id=asset_id)))

    @extend_schema(request=AssetInput, responses=OpenApiTypes.OBJECT)
    def patch(self, request: Request, asset_id: int) -> Response:
        asset = selectors.asset_get(user=request.user, asset_id=asset_id)
        services.asset_update(actor=request.user, asset=asset, changes=_given(request, services.ASSET_FIELDS))
        return Response(asset_data(selectors.asset_get(user=request.user, asset_id=asset_id)))

    def delete(self, request: Request, asset_id: int) -> Response:
        services.asset_delete(actor=request.user, asset=selectors.asset_get(user=request.user, asset_id=asset_id))
        return Response(status=204)


class AssetWarrantiesView(ApiView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, asset_id: int) -> Response:
        asset = selectors.asset_get(user=request.user, asset_id=asset_id)
        return Response({"results": [warranty_data(w) for w in asset.warranties.all()]})

    @extend_schema(request=WarrantyInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, asset_id: int) -> Response:
        asset = selectors.asset_get(user=request.user, asset_id=asset_id)
        given = _given(request, ("kind", "starts_on", "ends_on", "covers", "excludes"))
        for required in ("kind", "starts_on", "ends_on"):
            if required not in given:
                raise Invalid(fields={required: _("This field is required.")})
        return Response(warranty_data(services.warranty_add(actor=request.user, asset=asset, **given)), status=201)


class AssetCoverageView(ApiView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, asset_id: int) -> Response:
        asset = selectors.asset_get(user=request.user, asset_id=asset_id)
        return Response(coverage_data(selectors.asset_coverage(user=request.user, asset=asset)))


class TicketAssetsView(ApiView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, ticket_id: int) -> Response:
        ticket = ticket_get(user=request.user, ticket_id=ticket_id)
        found = selectors.assets_of_ticket(user=request.user, ticket=ticket)
        return Response({"results": [{**asset_data(c.asset), "coverage": coverage_data(c.coverage)} for c in found]})

    @extend_schema(request=LinkInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, ticket_id: int) -> Response:
        ticket = ticket_get(user=request.user, ticket_id=ticket_id)
        given = _given(request, ("asset",))
        if "asset" not in given:
            raise Invalid(fields={"asset": _("This field is required.")})
        asset = selectors.asset_get(user=request.user, asset_id=given["asset"])
        services.asset_link(actor=request.user, ticket=ticket, asset=asset)
        return Response({"ticket": ticket.pk, "asset": asset.pk}, status=201)


class TicketAssetDetailView(ApiView):
    def delete(self, request: Request, ticket_id: int, asset_id: int) -> Response:
        ticket = ticket_get(user=request.user, ticket_id=ticket_id)
        asset = selectors.asset_get(user=request.user, asset_id=asset_id)
        services.asset_unlink(actor=request.user, ticket=ticket, asset=asset)
        return Response(status=204)
