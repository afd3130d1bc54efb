"""Email the person sent or was sent, and the originals the mail app keeps
(atiende/core/personal_data.py)."""

from __future__ import annotations

from django.db.models import Q

from atiende.core.personal_data import (
    ERASED,
    Export,
    Subject,
    containing,
    delete_file_after_commit,
    register,
)

from .models import AutoReplyLog, InboundMessage, OutboundEmail, QuarantinedMessage


def _inbound(subject: Subject):
    return InboundMessage.objects.filter(Q(message_id__in=subject.message_ids) | Q(ticket_id__in=subject.ticket_ids)
                                         | Q(sender__in=subject.emails))


def _outbound(subject: Subject):
    found = containing(OutboundEmail.objects.all(), "recipients", subject.emails).values("pk")
    return OutboundEmail.objects.filter(Q(ticket_id__in=subject.ticket_ids) | Q(pk__in=found))


def _export(subject: Subject, out: Export) -> None:
    for inbound in _inbound(subject).order_by("received_at"):
        name = f"email/{inbound.pk}.eml"
        out.add("emails_received", [{"sender": inbound.sender, "subject": inbound.subject, "cc": inbound.cc,
                                     "received_at": inbound.received_at, "original": name if inbound.raw else None}])
        out.add_file(name, inbound.raw)
    out.add_rows("emails_sent", _outbound(subject).order_by("created_at"),
                 ["recipients", "subject", "status", "created_at", "sent_at"])


def _quarantined_with(subject: Subject) -> list[QuarantinedMessage]:
    needles = [text.lower().encode() for text in subject.strings]
    found = []
    for row in QuarantinedMessage.objects.exclude(raw=""):
        try:
            with row.raw.open("rb") as handle:
                data = handle.read().lower()
        except OSError:
            continue
        if any(needle in data for needle in needles):
            found.append(row)
    return found


def _erase(subject: Subject) -> None:
    for inbound in _inbound(subject):
        delete_file_after_commit(inbound.raw)
    _inbound(subject).update(raw="", sender="", subject=ERASED, cc=[], sender_detail="", note="")
    _outbound(subject).update(recipients=[], subject=ERASED, last_error="")
    AutoReplyLog.objects.filter(address__in=subject.emails).delete()
    for row in _quarantined_with(subject):
        delete_file_after_commit(row.raw)
        row.delete()


register(
    "mail",
    covers=["mail.InboundMessage", "mail.OutboundEmail", "mail.AutoReplyLog", "mail.QuarantinedMessage"],
    exempt={"mail.Mailbox": "The company's mailboxes."},
    export=_export, erase=_erase,
)
