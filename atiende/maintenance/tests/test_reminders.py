"""Warranty expiry reminders: one per asset and coverage end, WARRANTY_REMINDER_DAYS before it,
with the admin's offer link; none while a later warranty carries the coverage on."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail

from atiende.assets.services import warranty_add
from atiende.core import clock
from atiende.customers.services import customer_create
from atiende.maintenance.models import ReminderOutcome, WarrantyReminder
from atiende.maintenance.services import warranty_reminders_run

from .helpers import at, modem


@pytest.fixture(autouse=True)
def _offer(settings):
    settings.WARRANTY_REMINDER_DAYS = 30
    settings.WARRANTY_OFFER_URL = "https://tienda.example.mx/garantia-extendida"


def run(day, captured) -> int:
    with clock.frozen_at(at(*day)), captured(execute=True):
        return warranty_reminders_run()


def test_one_reminder_thirty_days_before_the_end_never_twice(world, django_capture_on_commit_callbacks):
    asset = modem(world, purchased_on=date(2026, 3, 15))  # 12 months: covered through 14 March 2027
    assert run((2027, 2, 11), django_capture_on_commit_callbacks) == 0  # 31 days before
    assert run((2027, 2, 12), django_capture_on_commit_callbacks) == 1
    assert run((2027, 2, 12), django_capture_on_commit_callbacks) == 0
    assert run((2027, 3, 1), django_capture_on_commit_callbacks) == 0
    reminder = WarrantyReminder.objects.get()
    assert (reminder.asset, reminder.coverage_ends_on, reminder.outcome) == (asset, date(2027, 3, 14), ReminderOutcome.SENT)
    assert [m.to for m in mail.outbox] == [["ana@tienda-a.mx"]]
    assert mail.outbox[0].subject == "Your warranty ends on March 14, 2027"
    assert "https://tienda.example.mx/garantia-extendida" in mail.outbox[0].body
    assert mail.outbox[0].extra_headers["Auto-Submitted"] == "auto-generated"


def test_an_extended_warranty_moves_the_reminder_to_its_own_end(world, django_capture_on_commit_callbacks):
    asset = modem(world, purchased_on=date(2026, 3, 15))
    warranty_add(actor=world.admin, asset=asset, starts_on="2027-03-15", ends_on="2028-03-14")
    assert run((2027, 2, 20), django_capture_on_commit_callbacks) == 0
    assert run((2028, 2, 20), django_capture_on_commit_callbacks) == 1
    assert WarrantyReminder.objects.get().coverage_ends_on == date(2028, 3, 14)
    assert "March 14, 2028" in mail.outbox[0].subject


def test_customer_without_email_is_recorded_unreachable_once(world, django_capture_on_commit_callbacks):
    phone_only = customer_create(name="Sin Correo", identities={"phone": "+525512345678"})
    modem(world, customer=phone_only, identifier="SN-P1", purchased_on=date(2026, 3, 15))
    assert run((2027, 3, 1), django_capture_on_commit_callbacks) == 1
    assert run((2027, 3, 2), django_capture_on_commit_callbacks) == 0
    assert WarrantyReminder.objects.get().outcome == ReminderOutcome.UNREACHABLE
    assert mail.outbox == []


def test_organization_asset_reminds_its_admins_and_retired_assets_none(world, django_capture_on_commit_callbacks):
    from atiende.assets.models import Product
    from atiende.assets.services import asset_create, asset_update

    modem(world, identifier="SN-RETIRED", purchased_on=date(2026, 3, 15))
    asset_update(actor=world.admin, asset=modem(world, identifier="SN-X", purchased_on=date(2026, 3, 15)),
                 changes={"status": "retired"})
    from atiende.assets.models import Asset
    Asset.objects.filter(identifier="SN-RETIRED").update(status="replaced")
    asset_create(actor=world.admin, product=Product.objects.get(), organization=world.org_a, identifier="SN-ORG",
                 purchased_on=date(2026, 3, 20))
    assert run((2027, 3, 1), django_capture_on_commit_callbacks) == 1
    assert [m.to for m in mail.outbox] == [["olga@tienda-a.mx"]]


def test_the_offer_link_is_the_one_the_admin_set_in_branding(world, django_capture_on_commit_callbacks, mailoutbox):
    from django.core.exceptions import ValidationError

    from atiende.branding.services import branding_update

    with pytest.raises(ValidationError):
        branding_update(actor=world.admin, changes={"warranty_offer_url": "javascript:alert(1)"})
    branding_update(actor=world.admin, changes={"warranty_offer_url": "https://tienda.example.mx/extiende"})
    modem(world, purchased_on=date(2026, 3, 15))
    assert run((2027, 2, 12), django_capture_on_commit_callbacks) == 1
    assert "https://tienda.example.mx/extiende" in mailoutbox[-1].body
