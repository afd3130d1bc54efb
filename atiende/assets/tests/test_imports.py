"""CSV import: every bad row reported, nothing imported until the file is clean."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from atiende.assets.imports import asset_import
from atiende.assets.models import Asset
from atiende.assets.services import asset_create, product_create
from atiende.core.exceptions import Forbidden

HEADER = "product,customer,organization,identifier,purchased_on,order_ref,attributes\n"


@pytest.fixture
def products(world):
    modem = product_create(actor=world.admin, name="Módem 4G", kind="device", sku="MOD-4G", warranty_months=12)
    domain = product_create(actor=world.admin, name="Dominio .mx", kind="domain")
    asset_create(actor=world.admin, product=modem, customer=world.customer_b, identifier="SN-TOMADO",
                 purchased_on=date(2025, 1, 1))
    return modem, domain


def test_a_clean_file_imports_every_row(world, products):
    data = (HEADER + 'MOD-4G,ana@tienda-a.mx,,SN-1,2026-01-15,F-1,"{""model"": ""X1""}"\n'
            "dominio .mx,,Tienda A,tienda-a.mx,15/01/2025,,\n").encode()
    dry = asset_import(actor=world.supervisor, data=data, dry_run=True)
    assert (dry.clean, dry.rows, dry.created, Asset.objects.count()) == (True, 2, 0, 1)
    done = asset_import(actor=world.supervisor, data=data)
    assert (done.clean, done.created) == (True, 2)
    assert sorted(Asset.objects.values_list("identifier", "purchased_on", "customer_id", "organization_id")) == [
        ("SN-1", date(2026, 1, 15), world.customer_a.pk, None), ("SN-TOMADO", date(2025, 1, 1), world.customer_b.pk, None),
        ("tienda-a.mx", date(2025, 1, 15), None, world.org_a.pk)]
    assert Asset.objects.get(identifier="SN-1").attributes == {"model": "X1"}


def test_every_bad_row_is_reported_and_nothing_is_imported(world, products):
    data = (HEADER
            + "MOD-4G,ana@tienda-a.mx,,SN-OK,2026-01-15,,\n"           # line 2: fine
            + "MOD-4G,ana@tienda-a.mx,,SN-2,2026-02-30,,\n"           # line 3: bad date
            + "Tostadora,ana@tienda-a.mx,,SN-3,2026-01-15,,\n"        # line 4: unknown product
            + "MOD-4G,ana@tienda-a.mx,,SN-TOMADO,2026-01-15,,\n"      # line 5: serial already registered
            + "MOD-4G,ana@tienda-a.mx,,SN-OK,2026-01-15,,\n"          # line 6: repeats line 2
            + "MOD-4G,nadie@example.mx,,SN-7,2026-01-15,,\n"          # line 7: unknown customer
            + 'MOD-4G,ana@tienda-a.mx,,SN-8,2026-01-15,,"{""disk_gb"": 5}"\n'  # line 8: not a device attribute
            ).encode()
    for dry_run in (True, False):
        report = asset_import(actor=world.supervisor, data=data, dry_run=dry_run)
        assert [(e.line, e.column) for e in report.errors] == [
            (3, "purchased_on"), (4, "product"), (5, "identifier"), (6, "identifier"), (7, "customer"), (8, "attributes")]
        assert (report.rows, report.created) == (7, 0)
    assert Asset.objects.count() == 1


def test_wrong_encoding_names_the_line(world, products):
    data = (HEADER + "MOD-4G,ana@tienda-a.mx,,SN-1,2026-01-15,,\n").encode() + "MOD-4G,,Tienda A,Año-ñ,2026-01-15,,\n".encode("latin-1")
    report = asset_import(actor=world.supervisor, data=data)
    assert [(e.line, e.column) for e in report.errors] == [(3, "")]
    assert Asset.objects.count() == 1


def test_missing_columns_and_semicolons(world, products):
    assert [e.column for e in asset_import(actor=world.supervisor, data=b"product,identifier\nMOD-4G,x\n").errors] == [
        "purchased_on, customer"]
    data = b"product;customer;identifier;purchased_on\nMOD-4G;ana@tienda-a.mx;SN-9;2026-01-15\n"
    assert asset_import(actor=world.supervisor, data=data).created == 1


def test_only_supervisors_and_admins_import(world, products):
    with pytest.raises(Forbidden):
        asset_import(actor=world.agent1, data=HEADER.encode())


def test_the_command(world, products, tmp_path: Path, capsys):
    good = tmp_path / "activos.csv"
    good.write_text(HEADER + "MOD-4G,ana@tienda-a.mx,,SN-1,2026-01-15,,\n", encoding="utf-8")
    call_command("assets", "import", str(good), "--dry-run")
    assert Asset.objects.count() == 1
    call_command("assets", "import", str(good))
    assert Asset.objects.count() == 2
    bad = tmp_path / "malo.csv"
    bad.write_text(HEADER + "MOD-4G,ana@tienda-a.mx,,SN-2,mañana,,\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("assets", "import", str(bad))
    assert Asset.objects.count() == 2
