"""The person's registered products (atiende/core/personal_data.py). Erasure keeps the asset (the
organisation's warranty and failure statistics) without its address or order data."""

from __future__ import annotations

from atiende.core.personal_data import Export, Subject, register

from .models import Asset


def _export(subject: Subject, out: Export) -> None:
    out.add_rows("assets", Asset.objects.filter(customer_id__in=subject.customer_ids),
                 ["product__name", "identifier", "purchased_on", "order_ref", "installation_address", "status",
                  "attributes", "created_at"])


def _erase(subject: Subject) -> None:
    Asset.objects.filter(customer_id__in=subject.customer_ids).update(installation_address="", order_ref="",
                                                                       attributes={})


register(
    "assets",
    covers=["assets.Asset"],
    exempt={"assets.Product": "The company's catalogue.", "assets.Warranty": "Warranty terms by asset id.",
            "assets.AssetLink": "Links between ticket and asset ids."},
    export=_export, erase=_erase,
)
