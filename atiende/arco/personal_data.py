"""The person's own ARCO requests and the archives exported for them (atiende/core/personal_data.py).
Erasure keeps each request (proof that it was answered, and when) without its text, and deletes
every export archive: an archive is a copy of everything erased."""

from __future__ import annotations

from atiende.core.personal_data import ERASED, Export, Subject, delete_file_after_commit, register

from .models import ArcoRequest, DataExport


def _export(subject: Subject, out: Export) -> None:
    out.add_rows("arco_requests", ArcoRequest.objects.filter(customer_id__in=subject.customer_ids),
                 ["kind", "text", "source", "state", "reason", "received_at", "due_at", "closed_at"])


def _erase(subject: Subject) -> None:
    ArcoRequest.objects.filter(customer_id__in=subject.customer_ids).exclude(text="").update(text=ERASED)
    exports = DataExport.objects.filter(customer_id__in=subject.customer_ids)
    for export in exports.exclude(file=""):
        delete_file_after_commit(export.file)
    exports.update(file="", size=0)


register("arco", covers=["arco.ArcoRequest", "arco.DataExport"], export=_export, erase=_erase)
