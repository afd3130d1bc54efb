"""The notices the person was sent and their unsubscribe choice (atiende/core/personal_data.py).
Erasure keeps each delivery row without its address (the notice's counts stay right) and
forgets the choice; the notice's text is the company's."""

from __future__ import annotations

from atiende.core.personal_data import Export, Subject, register

from .models import NoticeOptOut, NoticeRecipient


def _export(subject: Subject, out: Export) -> None:
    out.add_rows("notices_received", NoticeRecipient.objects.filter(customer_id__in=subject.customer_ids),
                 ["notice__subject", "channel", "address", "state", "sent_at"])
    out.add_rows("notice_opt_outs", NoticeOptOut.objects.filter(customer_id__in=subject.customer_ids), ["created_at"])


def _erase(subject: Subject) -> None:
    NoticeRecipient.objects.filter(customer_id__in=subject.customer_ids).update(address="", error="")
    NoticeOptOut.objects.filter(customer_id__in=subject.customer_ids).delete()


register(
    "notices",
    covers=["notices.NoticeRecipient", "notices.NoticeOptOut"],
    exempt={"notices.Notice": "The company's announcement and its audience."},
    export=_export, erase=_erase,
)
