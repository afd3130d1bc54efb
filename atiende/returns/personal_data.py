"""Returns and repairs on the person's tickets (atiende/core/personal_data.py)."""

from __future__ import annotations

from atiende.core.personal_data import ERASED, Export, Subject, register

from .models import Rma, RmaEvent


def _export(subject: Subject, out: Export) -> None:
    out.add_rows("returns", Rma.objects.filter(ticket_id__in=subject.ticket_ids),
                 ["id", "ticket__number", "state", "reason", "coverage", "return_method", "quote_amount",
                  "quote_status", "created_at"])


def _erase(subject: Subject) -> None:
    Rma.objects.filter(ticket_id__in=subject.ticket_ids).update(reason=ERASED)
    RmaEvent.objects.filter(rma__ticket_id__in=subject.ticket_ids).update(note="")


register(
    "returns",
    covers=["returns.Rma", "returns.RmaEvent"],
    exempt={"returns.RmaItem": "Asset ids in a return."},
    export=_export, erase=_erase,
)
