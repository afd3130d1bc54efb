"""Writes for products, assets, extended warranties and links to tickets: validated once here
for the API, the pages and the import alike; each checks who may do it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from atiende.accounts.models import User
from atiende.core import clock
from atiende.core.db import is_id, unique_or_conflict
from atiende.core.exceptions import Conflict, Forbidden, Invalid
from atiende.customers.models import Customer, Organization
from atiende.tickets.models import Ticket
from atiende.tickets.permissions import can_edit_ticket
from atiende.tickets.services.facts import ticket_facts_changed

from .attributes import BadAttributes, clean_attributes
from .facts import ticket_warranty
from .models import Asset, AssetLink, AssetStatus, Product, ProductKind, Warranty, WarrantyKind
from .permissions import can_delete_assets, can_edit_assets, can_manage_products

MAX_NAME = 200
MAX_IDENTIFIER = 200
MAX_SKU = 64
MAX_REF = 100
MAX_TEXT = 5_000
MAX_WARRANTY_MONTHS = 240
PRODUCT_FIELDS = ("name", "kind", "sku", "warranty_months", "warranty_terms", "is_maintainable", "is_returnable",
                  "is_installable")
ASSET_FIELDS = ("product", "customer", "organization", "identifier", "purchased_on", "order_ref",
                "installation_address", "status", "attributes")


# --- validation ---------------------------------------------------------------------------------

def _line(raw: Any, field: str, *, max_length: int, required: bool = False) -> str:
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        raise Invalid(fields={field: _("Send text.")})
    text = " ".join(raw.replace("\x00", "").split())
    if required and not text:
        raise Invalid(fields={field: _("This field is required.")})
    if len(text) > max_length:
        raise Invalid(fields={field: _("At most %(max)s characters.") % {"max": max_length}})
    return text


def _text(raw: Any, field: str) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str) or len(raw) > MAX_TEXT:
        raise Invalid(fields={field: _("Send text of at most %(max)s characters.") % {"max": MAX_TEXT}})
    return raw.replace("\x00", "").strip()


def _choice(raw: Any, field: str, choices: list[str]) -> str:
    if raw not in choices:
        raise Invalid(fields={field: _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)}})
    return str(raw)


def _flag(raw: Any, field: str) -> bool:
    if not isinstance(raw, bool):
        raise Invalid(fields={field: _("Send true or false.")})
    return raw


def _months(raw: Any) -> int:
    if not isinstance(raw, int) or isinstance(raw, bool) or not 0 <= raw <= MAX_WARRANTY_MONTHS:
        raise Invalid(fields={"warranty_months": _("A whole number of months from 0 to %(max)s.")
                              % {"max": MAX_WARRANTY_MONTHS}})
    return raw


def _date(raw: Any, field: str) -> date:
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(raw) if isinstance(raw, str) and len(raw) == 10 else _bad_date(field)
    except ValueError:
        return _bad_date(field)


def _bad_date(field: str) -> date:
    raise Invalid(fields={field: _("Write a date as YYYY-MM-DD.")})


def _row(model: type, raw: Any, field: str) -> Any:
    if isinstance(raw, model):
        return raw
    found = model.objects.filter(pk=raw).first() if is_id(raw) else None
    if found is None:
        raise Invalid(fields={field: _("There is nothing with this id.")})
    return found


def _clean_product(given: dict[str, Any]) -> dict[str, Any]:
    cleaners = {
        "name": lambda v: _line(v, "name", max_length=MAX_NAME, required=True),
        "kind": lambda v: _choice(v, "kind", ProductKind.values),
        "sku": lambda v: _line(v, "sku", max_length=MAX_SKU),
        "warranty_months": _months,
        "warranty_terms": lambda v: _text(v, "warranty_terms"),
        "is_maintainable": lambda v: _flag(v, "is_maintainable"),
        "is_returnable": lambda v: _flag(v, "is_returnable"),
        "is_installable": lambda v: _flag(v, "is_installable"),
    }
    unknown = set(given) - set(cleaners)
    if unknown:
        raise Invalid(fields={key: _("Unknown field.") for key in sorted(unknown)})
    return {key: cleaners[key](value) for key, value in given.items()}


def _clean_asset(given: dict[str, Any], *, current: Asset | None = None) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for key, value in given.items():
        if key == "product":
            cleaned[key] = _row(Product, value, key)
        elif key == "customer":
            cleaned[key] = None if value is None else _row(Customer, value, key)
        elif key == "organization":
            cleaned[key] = None if value is None else _row(Organization, value, key)
        elif key == "identifier":
            cleaned[key] = _line(value, key, max_length=MAX_IDENTIFIER, required=True)
        elif key == "purchased_on":
            cleaned[key] = _date(value, key)
        elif key == "order_ref":
            cleaned[key] = _line(value, key, max_length=MAX_REF)
        elif key == "installation_address":
            cleaned[key] = _text(value, key)
        elif key == "status":
            cleaned[key] = _choice(value, key, AssetStatus.values)
        elif key != "attributes":
            raise Invalid(fields={key: _("Unknown field.")})
    product = cleaned.get("product") or (current.product if current else None)
    if "attributes" in given or "product" in given:
        raw = given.get("attributes", current.attributes if current else {})
        try:
            cleaned["attributes"] = clean_attributes(product.kind if product else "", raw)
        except BadAttributes as exc:
            raise Invalid(fields={"attributes": exc.message}) from None
    return cleaned


def _check_owner(fields: dict[str, Any]) -> None:
    if (fields.get("customer") is None) == (fields.get("organization") is None):
        raise Invalid(fields={"customer": _("An asset belongs to a customer or to an organization (one of the two).")})


# --- products -----------------------------------------------------------------------------------

def product_create(*, actor: User, **given: Any) -> Product:
    if not can_manage_products(actor):
        raise Forbidden()
    if "name" not in given or "kind" not in given:
        raise Invalid(fields={key: _("This field is required.") for key in ("name", "kind") if key not in given})
    fields = _clean_product(given)
    with unique_or_conflict(_("A product with this name or SKU already exists.")):
        return Product.objects.create(**fields)


def product_update(*, actor: User, product: Product, changes: dict[str, Any]) -> Product:
    if not can_manage_products(actor):
        raise Forbidden()
    fields = _clean_product(changes)
    for key, value in fields.items():
        setattr(product, key, value)
    product.updated_at = clock.now()
    with unique_or_conflict(_("A product with this name or SKU already exists.")):
        product.save()
    return product


def product_delete(*, actor: User, product: Product) -> None:
    if not can_manage_products(actor):
        raise Forbidden()
    if product.assets.exists():
        raise Conflict(_("Customers have assets of this product; it cannot be deleted."), code="product_in_use")
    product.delete()


# --- assets -------------------------------------------------------------------------------------

def asset_create(*, actor: User, **given: Any) -> Asset:
    if not can_edit_assets(actor):
        raise Forbidden()
    missing = [key for key in ("product", "identifier", "purchased_on") if key not in given]
    if missing:
        raise Invalid(fields={key: _("This field is required.") for key in missing})
    fields = _clean_asset(given)
    _check_owner(fields)
    with unique_or_conflict(_("This product already has an asset with this identifier."), field="identifier"):
        return Asset.objects.create(**fields)


def asset_update(*, actor: User, asset: Asset, changes: dict[str, Any]) -> Asset:
    if not can_edit_assets(actor):
        raise Forbidden()
    fields = _clean_asset(changes, current=asset)
    owner = {"customer": asset.customer, "organization": asset.organization}
    if "customer" in fields or "organization" in fields:
        owner = {"customer": fields.get("customer"), "organization": fields.get("organization")}
        _check_owner(owner)
    fields.update(owner)
    for key, value in fields.items():
        setattr(asset, key, value)
    asset.updated_at = clock.now()
    with unique_or_conflict(_("This product already has an asset with this identifier."), field="identifier"):
        asset.save()
    return asset


def asset_delete(*, actor: User, asset: Asset) -> None:
    """Refused (409) while records that must keep it point to it (a return or repair): such an
    asset is retired instead, keeping its history."""
    if not can_delete_assets(actor):
        raise Forbidden()
    try:
        with transaction.atomic():
            asset.delete()
    except ProtectedError:
        raise Conflict(_("This product has returns or repairs on record and cannot be deleted; mark it retired "
                         "instead."), code="asset_in_use") from None


def warranty_add(*, actor: User, asset: Asset, kind: Any = WarrantyKind.EXTENDED, starts_on: Any, ends_on: Any,
                 covers: Any = "", excludes: Any = "") -> Warranty:
    if not can_edit_assets(actor):
        raise Forbidden()
    kind = _choice(kind, "kind", WarrantyKind.values)
    start, end = _date(starts_on, "starts_on"), _date(ends_on, "ends_on")
    if end < start:
        raise Invalid(fields={"ends_on": _("The warranty cannot end before it starts.")})
    return Warranty.objects.create(asset=asset, kind=kind, starts_on=start, ends_on=end, covers=_text(covers, "covers"),
                                   excludes=_text(excludes, "excludes"), created_by=actor)


# --- links to tickets ---------------------------------------------------------------------------

def _check_linkable(actor: User, ticket: Ticket, asset: Asset) -> None:
    if not can_edit_ticket(actor, ticket):
        raise Forbidden()
    requester = ticket.requester
    mine = asset.customer_id == requester.pk or (
        asset.organization_id is not None and asset.organization_id == requester.organization_id)
    if not mine:
        raise Invalid(fields={"asset": _("This asset is not the ticket's customer's.")}, code="not_customers_asset")


@transaction.atomic
def asset_link(*, actor: User, ticket: Ticket, asset: Asset) -> AssetLink:
    _check_linkable(actor, ticket, asset)
    before = ticket_warranty(ticket)
    link, _created = AssetLink.objects.get_or_create(ticket=ticket, asset=asset, defaults={"created_by": actor})
    ticket_facts_changed(actor=actor, ticket=ticket, changes=[("warranty", before, ticket_warranty(ticket))])
    return link


@transaction.atomic
def asset_unlink(*, actor: User, ticket: Ticket, asset: Asset) -> None:
    if not can_edit_ticket(actor, ticket):
        raise Forbidden()
    before = ticket_warranty(ticket)
    AssetLink.objects.filter(ticket=ticket, asset=asset).delete()
    ticket_facts_changed(actor=actor, ticket=ticket, changes=[("warranty", before, ticket_warranty(ticket))])


def asset_link_on_create(*, ticket: Ticket, asset: Asset, actor: User | None = None) -> AssetLink:
    """The product a new ticket is about, linked while the ticket is created
    (`ticket_create(attach=...)`), before its hooks: they see the warranty as it is, and no
    change of it is recorded. The caller checked the asset is the requester's (the portal's form:
    one the customer may see; a maintenance visit: the plan's)."""
    link, _created = AssetLink.objects.get_or_create(ticket=ticket, asset=asset, defaults={"created_by": actor})
    return link
