"""Phone calls with the person (atiende/core/personal_data.py)."""

from __future__ import annotations

from django.db.models import Q

from atiende.core.personal_data import Export, Subject, register

from .models import Call


def _calls(subject: Subject):
    return Call.objects.filter(Q(customer_id__in=subject.customer_ids) | Q(phone__in=subject.phones)
                               | Q(ticket_id__in=subject.ticket_ids))


def _export(subject: Subject, out: Export) -> None:
    out.add_rows("calls", _calls(subject).order_by("started_at"),
                 ["phone", "direction", "state", "outcome", "started_at", "duration_seconds", "notes"])


def _erase(subject: Subject) -> None:
    _calls(subject).update(phone="", notes="")


register(
    "calls",
    covers=["calls.Call"],
    exempt={"calls.TelephonySystem": "The company's phone systems.",
            "calls.CallEvent": "Event names by call id, no text."},
    export=_export, erase=_erase,
)
