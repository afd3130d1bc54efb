"""Warranty expiry reminders: WARRANTY_REMINDER_DAYS before an asset's coverage ends, its
customer (an organization's asset: the organization's admins) gets one email with the offer link
the admin configured (Branding's extended warranty offer, else WARRANTY_OFFER_URL). One per asset and coverage end — a unique row claimed
before the mail is queued — so passes run twice or at once never send it twice; an extended
warranty bought later moves the end, and the new end gets its own reminder."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import translation

from atiende.assets import coverage
from atiende.assets.models import Asset, AssetStatus, Product, Warranty
from atiende.assets.selectors import EXTENDED, coverage_of
from atiende.branding.selectors import branding_get
from atiende.core.jobs import enqueue_after_commit
from atiende.customers.models import Customer, Identity, IdentityKind

from .. import wording
from ..models import ReminderOutcome, WarrantyReminder
from .plans import company_today


def _ending_between(first, last) -> Q:
    """Assets whose standard warranty's last day, or an extended warranty's, falls in
    [first, last]: one purchase-day range per warranty length in the catalogue."""
    ending = Q(pk__in=Warranty.objects.filter(ends_on__gte=first, ends_on__lte=last).values("asset_id"))
    lengths = Product.objects.filter(warranty_months__gt=0).values_list("warranty_months", flat=True).distinct()
    for months in lengths:
        ending |= Q(product__warranty_months=months,
                    purchased_on__gte=coverage.earliest_purchase_covered(first, months),
                    purchased_on__lt=coverage.earliest_purchase_covered(last + timedelta(days=1), months))
    return ending


def _recipients(asset: Asset) -> list[Customer]:
    if asset.customer_id is not None:
        return [asset.customer]
    return list(Customer.objects.filter(organization_id=asset.organization_id, is_organization_admin=True,
                                        merged_into__isnull=True).order_by("id")[:10])


def _address(customer: Customer) -> str:
    found = (Identity.objects.filter(customer=customer, kind=IdentityKind.EMAIL, undeliverable=False)
             .order_by("-is_primary", "id").values_list("value", flat=True).first())
    return found or ""


def warranty_reminders_run(*, now: datetime | None = None, limit: int = 5000) -> int:
    """Remind the customers whose coverage ends within WARRANTY_REMINDER_DAYS; returns how many
    reminders it recorded (sent, or unreachable: nobody with an email address)."""
    today = company_today(now)
    last = today + timedelta(days=settings.WARRANTY_REMINDER_DAYS)
    candidates = (Asset.objects.filter(_ending_between(today, last))
                  .exclude(status__in=[AssetStatus.REPLACED, AssetStatus.RETIRED])
                  .select_related("product", "customer").prefetch_related(EXTENDED).order_by("id"))[:limit]
    made = 0
    for asset in candidates:
        found = coverage_of(asset, today)
        if not found.covered or found.until is None or found.until > last:
            continue  # a later warranty carries on: no gap to remind of yet
        if not WarrantyReminder.objects.filter(asset=asset, coverage_ends_on=found.until).exists():
            made += _remind(asset, found.until)
    return made


def _remind(asset: Asset, ends_on) -> int:
    people = _recipients(asset)
    addresses = [address for address in (_address(person) for person in people) if address]
    try:
        with transaction.atomic():
            WarrantyReminder.objects.create(
                asset=asset, coverage_ends_on=ends_on, recipients=addresses,
                outcome=ReminderOutcome.SENT if addresses else ReminderOutcome.UNREACHABLE)
            if addresses:
                language = (people[0].language if people else "") or settings.LANGUAGE_CODE
                with translation.override(language):
                    subject = wording.reminder_subject(ends_on)
                    body = wording.reminder_body(product=asset.product.name, identifier=asset.identifier,
                                                 ends_on=ends_on, offer_url=branding_get().warranty_offer_url or settings.WARRANTY_OFFER_URL)
                from ..tasks import send_reminder

                enqueue_after_commit(send_reminder, addresses=addresses, subject=subject, body=body)
    except IntegrityError:
        return 0  # another pass reminded them first
    return 1
