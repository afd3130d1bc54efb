"""Maintenance plans where the person is the contact, and warranty reminders sent to them
(atiende/core/personal_data.py)."""

from __future__ import annotations

from atiende.core.personal_data import Export, Subject, containing, register

from .models import MaintenancePlan, WarrantyReminder


def _export(subject: Subject, out: Export) -> None:
    out.add_rows("maintenance_plans", MaintenancePlan.objects.filter(contact_id__in=subject.customer_ids),
                 ["name", "asset__identifier", "unit", "interval", "next_due_on", "active"])
    out.add_rows("warranty_reminders", containing(WarrantyReminder.objects.all(), "recipients", subject.emails),
                 ["asset__identifier", "coverage_ends_on", "outcome", "recipients", "created_at"])


def _erase(subject: Subject) -> None:
    MaintenancePlan.objects.filter(contact_id__in=subject.customer_ids).update(contact=None)
    containing(WarrantyReminder.objects.all(), "recipients", subject.emails).update(recipients=[])


register(
    "maintenance",
    covers=["maintenance.MaintenancePlan", "maintenance.WarrantyReminder"],
    exempt={"maintenance.MaintenanceVisit": "Visits by plan and ticket id with the checklist results."},
    export=_export, erase=_erase,
)
