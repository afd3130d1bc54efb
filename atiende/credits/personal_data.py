"""The person's goodwill credits (atiende/core/personal_data.py). Erasure keeps each credit's
kind, amount and status (finance's ledger must still add up) and removes the words about the
person: the reason and the decision note."""

from __future__ import annotations

from atiende.core.personal_data import ERASED, Export, Subject, register

from .models import Credit


def _export(subject: Subject, out: Export) -> None:
    out.add_rows("goodwill_credits", Credit.objects.filter(customer_id__in=subject.customer_ids),
                 ["ticket__number", "kind", "amount", "currency", "reason", "status", "created_at", "decided_at"])


def _erase(subject: Subject) -> None:
    Credit.objects.filter(customer_id__in=subject.customer_ids).update(reason=ERASED, decision_note="")


register(
    "credits",
    covers=["credits.Credit"],
    exempt={"credits.CreditLimit": "Approval limits per role."},
    export=_export, erase=_erase,
)
