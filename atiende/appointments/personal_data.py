"""The person's appointments (atiende/core/personal_data.py). They hold no text about the
person: erasure keeps them (the agents' workload statistics) tied to the anonymised customer."""

from __future__ import annotations

from atiende.core.personal_data import Export, Subject, register

from .models import Appointment


def _export(subject: Subject, out: Export) -> None:
    out.add_rows("appointments", Appointment.objects.filter(customer_id__in=subject.customer_ids).order_by("start"),
                 ["type__name", "start", "end", "status", "time_zone", "ticket__number", "agent__name"])


register(
    "appointments",
    covers=["appointments.Appointment"],
    exempt={"appointments.AppointmentType": "The company's kinds of appointment.",
            "appointments.Absence": "Agents' absences."},
    export=_export,
)
