"""Importing assets from a CSV file: every row is checked first, every bad row reported, and
nothing is written unless the whole file is clean (and not a dry run). One service for the
management command and the workspace upload page.

Columns (a header row, any order; UTF-8, with or without BOM; comma or semicolon separated):
product (SKU or name), customer (email) or organization (name), identifier, purchased_on
(YYYY-MM-DD or DD/MM/YYYY), and optionally order_ref, installation_address, status, attributes
(a JSON object of the product kind's attributes)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from atiende.accounts.models import User
from atiende.core.exceptions import Conflict, Forbidden
from atiende.customers.models import Identity, IdentityKind, Organization

from .attributes import BadAttributes, clean_attributes
from .models import Asset, AssetStatus, Product
from .permissions import can_import_assets
from .services import MAX_IDENTIFIER, MAX_REF, MAX_TEXT

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
REQUIRED = ("product", "identifier", "purchased_on")
KNOWN = ("product", "customer", "organization", "identifier", "purchased_on", "order_ref", "installation_address",
         "status", "attributes")
BATCH = 1_000


@dataclass(frozen=True)
class RowError:
    line: int  # the line of the file (the header is line 1); 0 for the file as a whole
    column: str
    message: str


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.errors


def _decode(data: bytes, report: ImportReport) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        report.errors.append(RowError(line, "", _("The file is not UTF-8 (byte %(byte)s is not valid text); save it as "
                                                  "“CSV UTF-8” and try again.") % {"byte": exc.start + 1}))
        return None


def parse_date(raw: str) -> date | None:
    for shape in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(raw, shape).date()
        except ValueError:
            continue
    return None


@dataclass
class _Lookups:
    products: dict[str, Product]
    customers: dict[str, int]
    organizations: dict[str, int]
    taken: set[tuple[int, str]]


def _lookups(rows: list[dict[str, str]]) -> _Lookups:
    products: dict[str, Product] = {}
    for product in Product.objects.all():
        products[product.name.casefold()] = product
        if product.sku:
            products[product.sku.casefold()] = product
    emails = {r.get("customer", "").strip().lower() for r in rows} - {""}
    customers = dict(Identity.objects.filter(kind=IdentityKind.EMAIL, value__in=emails).values_list("value", "customer_id"))
    names = {r.get("organization", "").strip().casefold() for r in rows} - {""}
    organizations = {name.casefold(): pk for pk, name in Organization.objects.values_list("pk", "name")
                     if name.casefold() in names}
    identifiers = sorted({r.get("identifier", "").strip() for r in rows} - {""})
    taken: set[tuple[int, str]] = set()
    for start in range(0, len(identifiers), BATCH):
        taken.update(Asset.objects.filter(identifier__in=identifiers[start:start + BATCH])
                     .values_list("product_id", "identifier"))
    return _Lookups(products, customers, organizations, taken)


def _check_row(line: int, row: dict[str, str], found: _Lookups, seen: dict[tuple[int, str], int],  # noqa: C901
               errors: list[RowError]) -> Asset | None:  # one flat check per column, in the file's order
    def bad(column: str, message: str) -> None:
        errors.append(RowError(line, column, message))

    before = len(errors)
    value = {key: (row.get(key) or "").strip() for key in KNOWN}
    product = found.products.get(value["product"].casefold())
    if product is None:
        bad("product", _("Unknown product “%(value)s” (write its SKU or name).") % {"value": value["product"]})
    customer_id = organization_id = None
    if bool(value["customer"]) == bool(value["organization"]):
        bad("customer", _("Write a customer's email or an organization's name (one of the two)."))
    elif value["customer"]:
        customer_id = found.customers.get(value["customer"].lower())
        if customer_id is None:
            bad("customer", _("No customer has the email “%(value)s”.") % {"value": value["customer"]})
    else:
        organization_id = found.organizations.get(value["organization"].casefold())
        if organization_id is None:
            bad("organization", _("No organization is called “%(value)s”.") % {"value": value["organization"]})
    identifier = value["identifier"]
    if not identifier or len(identifier) > MAX_IDENTIFIER:
        bad("identifier", _("Write an identifier of at most %(max)s characters.") % {"max": MAX_IDENTIFIER})
    elif product is not None:
        key = (product.pk, identifier)
        if key in found.taken:
            bad("identifier", _("“%(value)s” is already registered for this product.") % {"value": identifier})
        elif key in seen:
            bad("identifier", _("“%(value)s” repeats line %(line)s.") % {"value": identifier, "line": seen[key]})
        else:
            seen[key] = line
    purchased_on = parse_date(value["purchased_on"])
    if purchased_on is None:
        bad("purchased_on", _("“%(value)s” is not a date (YYYY-MM-DD or DD/MM/YYYY).") % {"value": value["purchased_on"]})
    status = value["status"] or AssetStatus.ACTIVE
    if status not in AssetStatus.values:
        bad("status", _("Unknown status “%(value)s”; use: %(choices)s.") % {"value": status,
                                                                          "choices": ", ".join(AssetStatus.values)})
    if len(value["order_ref"]) > MAX_REF or len(value["installation_address"]) > MAX_TEXT:
        bad("order_ref", _("A value is too long."))
    attributes: dict[str, Any] = {}
    if value["attributes"]:
        try:
            attributes = clean_attributes(product.kind if product else "", json.loads(value["attributes"]))
        except (ValueError, BadAttributes) as exc:
            bad("attributes", getattr(exc, "message", None) or _("Write the attributes as a JSON object."))
    if len(errors) > before:
        return None
    return Asset(product=product, customer_id=customer_id, organization_id=organization_id, identifier=identifier,
                 purchased_on=purchased_on, order_ref=value["order_ref"],
                 installation_address=value["installation_address"], status=status, attributes=attributes)


def _reader(text: str) -> csv.DictReader:
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    reader.fieldnames = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    return reader


def asset_import(*, actor: User, data: bytes, dry_run: bool = False) -> ImportReport:
    if not can_import_assets(actor):
        raise Forbidden()
    report = ImportReport(dry_run=dry_run)
    if len(data) > MAX_BYTES:
        report.errors.append(RowError(0, "", _("The file is larger than %(max)s MB.") % {"max": MAX_BYTES // 2**20}))
        return report
    text = _decode(data, report)
    if text is None:
        return report
    reader = _reader(text)
    missing = [c for c in REQUIRED if c not in reader.fieldnames]
    if "customer" not in reader.fieldnames and "organization" not in reader.fieldnames:
        missing.append("customer")
    if missing:
        report.errors.append(RowError(1, ", ".join(missing), _("The header lacks the columns: %(columns)s.")
                                      % {"columns": ", ".join(missing)}))
        return report
    try:
        rows = [(reader.line_num, row) for row in reader if any((v or "").strip() for v in row.values() if isinstance(v, str))]
    except csv.Error as exc:
        report.errors.append(RowError(reader.line_num, "", _("The file is not valid CSV: %(detail)s") % {"detail": exc}))
        return report
    report.rows = len(rows)
    if report.rows > MAX_ROWS:
        report.errors.append(RowError(0, "", _("At most %(max)s rows per file.") % {"max": MAX_ROWS}))
        return report
    found = _lookups([row for _line, row in rows])
    seen: dict[tuple[int, str], int] = {}
    assets = [_check_row(line, row, found, seen, report.errors) for line, row in rows]
    if report.errors or dry_run:
        return report
    try:
        with transaction.atomic():
            Asset.objects.bulk_create(assets, batch_size=BATCH)
    except IntegrityError:  # registered by someone else since the check
        raise Conflict(_("Some identifiers were registered while importing; run the import again.")) from None
    report.created = len(assets)
    return report
