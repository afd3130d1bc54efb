"""The workspace's product and asset pages: the catalogue, customers' assets with their coverage
and extended warranties, the CSV import, and the "linked products" box of the ticket and
customer pages. Parse, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from atiende.assets import selectors as assets
from atiende.assets import services as asset_services
from atiende.assets.imports import asset_import
from atiende.assets.models import Asset, Product
from atiende.assets.permissions import can_delete_assets, can_import_assets, can_manage_products
from atiende.assets.wording import coverage_label
from atiende.core.exceptions import DomainError, NotFound
from atiende.core.params import is_id_text
from atiende.customers.selectors import customer_get
from atiende.returns import selectors as returns
from atiende.tickets.permissions import can_edit_ticket
from atiende.tickets.selectors import ticket_get_for_agent

from .asset_forms import AssetForm, ImportForm, ProductForm, WarrantyForm
from .view_helpers import form_error, or_404, staff_only
from .views import agent_required

PAGE_ROWS = 200
PRODUCT_FIELDS = ("name", "kind", "sku", "warranty_months", "warranty_terms", "is_maintainable", "is_returnable",
                  "is_installable")
ASSET_FIELDS = ("product", "customer", "organization", "identifier", "purchased_on", "order_ref",
                "installation_address", "status", "attributes")








def _covered(request: HttpRequest, rows) -> list[dict]:
    return [{"asset": c.asset, "coverage": c.coverage, "label": coverage_label(c.coverage)}
            for c in assets.covered_list(user=request.user, assets=rows)]


# --- products -----------------------------------------------------------------------------------

@agent_required
@require_GET
def product_list_view(request: HttpRequest) -> HttpResponse:
    staff_only(request)
    return render(request, "workspace/products.html", {"products": assets.product_list(user=request.user)[:PAGE_ROWS],
                                                       "can_manage": can_manage_products(request.user)})


def _product_form(request: HttpRequest, product: Product | None) -> HttpResponse:
    initial = {name: getattr(product, name) for name in PRODUCT_FIELDS} if product else None
    form = ProductForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in PRODUCT_FIELDS}
        try:
            if product is None:
                product = asset_services.product_create(actor=request.user, **values)
            else:
                asset_services.product_update(actor=request.user, product=product, changes=values)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Product saved."))
            return redirect("workspace:product-edit", product_id=product.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "workspace/product_edit.html", {"form": form, "product": product}, status=status)


@agent_required
@require_http_methods(["GET", "POST"])
def product_new_view(request: HttpRequest) -> HttpResponse:
    staff_only(request, can_manage_products(request.user))
    return _product_form(request, None)


@agent_required
@require_http_methods(["GET", "POST"])
def product_edit_view(request: HttpRequest, product_id: int) -> HttpResponse:
    staff_only(request, can_manage_products(request.user))
    return _product_form(request, or_404(assets.product_get, user=request.user, product_id=product_id))


# --- assets -------------------------------------------------------------------------------------

def _filters(request: HttpRequest) -> assets.AssetFilters:
    product, warranty = request.GET.get("producto", ""), request.GET.get("garantia", "")
    return assets.AssetFilters(product=int(product) if is_id_text(product) and len(product) < 18 else None,
                               identifier=request.GET.get("identificador", "")[:200],
                               warranty_active={"si": True, "no": False}.get(warranty))


@agent_required
@require_GET
def asset_list_view(request: HttpRequest) -> HttpResponse:
    staff_only(request)
    rows = assets.asset_list(user=request.user, filters=_filters(request)).prefetch_related(assets.EXTENDED)
    return render(request, "workspace/assets.html", {
        "rows": _covered(request, rows.order_by("-id")[:PAGE_ROWS]), "products": assets.product_list(user=request.user),
        "params": request.GET, "can_import": can_import_assets(request.user)})


def _asset_form(request: HttpRequest, asset: Asset | None) -> HttpResponse:
    if asset is not None:
        initial: dict[str, Any] = {name: getattr(asset, name) for name in ASSET_FIELDS}
        initial.update(product=asset.product_id, customer=asset.customer_id, organization=asset.organization_id)
    else:
        raw = request.GET.get("cliente", "")
        initial = {"customer": int(raw) if is_id_text(raw) and len(raw) < 18 else None}
    form = AssetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in ASSET_FIELDS}
        values["customer"] = values["customer"] or None
        try:
            if asset is None:
                asset = asset_services.asset_create(actor=request.user, **values)
            else:
                asset_services.asset_update(actor=request.user, asset=asset, changes=values)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Asset saved."))
            return redirect("workspace:asset-detail", asset_id=asset.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "workspace/asset_edit.html", {"form": form, "asset": asset}, status=status)


@agent_required
@require_http_methods(["GET", "POST"])
def asset_new_view(request: HttpRequest) -> HttpResponse:
    staff_only(request)
    return _asset_form(request, None)


@agent_required
@require_http_methods(["GET", "POST"])
def asset_edit_view(request: HttpRequest, asset_id: int) -> HttpResponse:
    staff_only(request)
    return _asset_form(request, or_404(assets.asset_get, user=request.user, asset_id=asset_id))


@agent_required
@require_http_methods(["GET", "POST"])
def asset_detail_view(request: HttpRequest, asset_id: int) -> HttpResponse:
    staff_only(request)
    asset = or_404(assets.asset_get, user=request.user, asset_id=asset_id)
    form = WarrantyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            asset_services.warranty_add(actor=request.user, asset=asset, **form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Extended warranty added."))
            return redirect("workspace:asset-detail", asset_id=asset.pk)
    found = assets.asset_coverage(user=request.user, asset=asset)
    return render(request, "workspace/asset_detail.html", {
        "asset": asset, "coverage": found, "label": coverage_label(found), "form": form,
        "warranties": list(asset.warranties.all()), "tickets": assets.tickets_of_asset(user=request.user, asset=asset)[:50],
        "can_delete": can_delete_assets(request.user),
        "rmas": returns.rmas_of_asset(user=request.user, asset=asset)[:50]}, status=400 if request.method == "POST" else 200)


@agent_required
@require_http_methods(["GET", "POST"])
def asset_import_view(request: HttpRequest) -> HttpResponse:
    staff_only(request, can_import_assets(request.user))
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = asset_import(actor=request.user, data=form.cleaned_data["file"].read(),
                                  dry_run=form.cleaned_data["dry_run"])
        except DomainError as exc:
            form_error(form, exc)
    status = 400 if request.method == "POST" and (report is None or report.errors) else 200
    return render(request, "workspace/asset_import.html", {"form": form, "report": report}, status=status)


# --- boxes on the ticket and customer pages -----------------------------------------------------

@agent_required
@require_http_methods(["GET", "POST"])
def ticket_assets_view(request: HttpRequest, number: int) -> HttpResponse:
    """The ticket page's "linked products" box; POST links (`link`) or unlinks (`unlink`) an asset."""
    staff_only(request)
    ticket = or_404(ticket_get_for_agent, user=request.user, number=number)
    error = ""
    if request.method == "POST":
        error = _link_or_unlink(request, ticket)
        if not error and not request.headers.get("HX-Request"):
            return redirect("tickets:detail", number=ticket.number)
    context = {"ticket": ticket, "rows": [{"asset": c.asset, "label": coverage_label(c.coverage), "coverage": c.coverage}
                                          for c in assets.assets_of_ticket(user=request.user, ticket=ticket)],
               "can_change": can_edit_ticket(request.user, ticket), "error": error,
               "linkable": [{"asset": c.asset, "label": coverage_label(c.coverage)} for c in assets.covered_list(
                   user=request.user, assets=assets.linkable_assets(user=request.user, ticket=ticket)[:100])]}
    return render(request, "workspace/_ticket_assets.html", context, status=400 if error else 200)


def _link_or_unlink(request: HttpRequest, ticket) -> str:
    raw, action = request.POST.get("asset", ""), request.POST.get("action", "")
    try:
        asset = assets.asset_get(user=request.user, asset_id=int(raw) if is_id_text(raw) and len(raw) < 18 else None)
        if action == "unlink":
            asset_services.asset_unlink(actor=request.user, ticket=ticket, asset=asset)
        else:
            asset_services.asset_link(actor=request.user, ticket=ticket, asset=asset)
    except NotFound:
        return _("Choose one of the customer's products.")
    except DomainError as exc:
        return str(exc.message or next(iter(exc.fields.values()), exc.code))
    return ""


@agent_required
@require_GET
def customer_assets_view(request: HttpRequest, customer_id: int) -> HttpResponse:
    staff_only(request)
    customer = or_404(customer_get, user=request.user, customer_id=customer_id)
    rows = _covered(request, assets.assets_of_customer(user=request.user, customer=customer)[:PAGE_ROWS])
    return render(request, "workspace/_customer_assets.html", {"customer": customer, "rows": rows})
