"""The customer's profile and identities (atiende/core/personal_data.py)."""

from __future__ import annotations

from atiende.core.personal_data import ERASED, Export, Subject, register

from .models import Customer, Identity


def _export(subject: Subject, out: Export) -> None:
    out.add_rows("profile", Customer.objects.filter(pk__in=subject.customer_ids),
                 ["id", "name", "preferred_name", "organization__name", "language", "time_zone", "preferred_channel", "notes",
                  "created_at"])
    out.add_rows("identities", Identity.objects.filter(customer_id__in=subject.customer_ids),
                 ["kind", "value", "is_primary"])


def _erase(subject: Subject) -> None:
    Identity.objects.filter(customer_id__in=subject.customer_ids).delete()
    Customer.objects.filter(pk__in=subject.customer_ids).update(name=ERASED, preferred_name="", notes="")


register(
    "customers",
    covers=["customers.Customer", "customers.Identity"],
    exempt={
        "customers.Organization": "A company, not a person; kept for the organisation's statistics.",
        "customers.Sector": "A list of business sectors.",
        "customers.SupportPlan": "Names of support plans.",
    },
    export=_export, erase=_erase,
)
