"""Tickets the person asked and messages they wrote or received (atiende/core/personal_data.py).

Erasure keeps the tickets as rows (status, dates, team: the statistics) and removes what was
said: subjects, message bodies and their earlier versions, attachments and their files, custom
field values, subject changes in the history, and channel thread keys (a phone number)."""

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

from .models import (
    Attachment,
    ChannelThread,
    CustomerMerge,
    Delivery,
    Message,
    MessageKind,
    MessageRevision,
    Ticket,
    TicketEvent,
)


def _export(subject: Subject, out: Export) -> None:
    out.add_rows("tickets", Ticket.objects.filter(pk__in=subject.ticket_ids).order_by("number"),
                 ["id", "number", "subject", "status", "priority", "type", "channel", "custom_fields", "created_at",
                  "solved_at", "closed_at"])
    public = Message.objects.filter(pk__in=subject.message_ids).exclude(kind=MessageKind.INTERNAL)
    out.add_rows("messages", public.order_by("created_at", "id"),
                 ["id", "ticket__number", "author_kind", "author_user__name", "channel", "body_text", "created_at"])
    for attachment in Attachment.objects.filter(message__in=public).order_by("id"):
        name = f"attachments/{attachment.message.ticket.number}/{attachment.public_id}-{attachment.filename}"
        out.add_file(name, attachment.file)
        out.add("attachments", [{"message": attachment.message_id, "filename": attachment.filename,
                                 "content_type": attachment.content_type, "size": attachment.size, "file": name}])


def _erase(subject: Subject) -> None:
    messages = Message.objects.filter(pk__in=subject.message_ids)
    for attachment in Attachment.objects.filter(message__in=messages):
        delete_file_after_commit(attachment.file)
    Attachment.objects.filter(message__in=messages).delete()
    MessageRevision.objects.filter(message__in=messages).delete()
    messages.update(body_text=ERASED, body_html="")
    Delivery.objects.filter(message__in=messages).update(payload={}, failure_reason="")
    tickets = Ticket.objects.filter(pk__in=subject.ticket_ids)
    tickets.update(subject=ERASED, custom_fields={})
    events = TicketEvent.objects.filter(ticket__in=tickets)
    events.filter(Q(field__in=("subject", "custom_fields", "requester")) | Q(pk__in=containing(
        events, "old_value", subject.strings).values("pk")) | Q(pk__in=containing(events, "new_value", subject.strings)
                                                           .values("pk"))).update(old_value="", new_value="")
    for thread in ChannelThread.objects.filter(ticket__in=tickets):
        ChannelThread.objects.filter(pk=thread.pk).update(thread_key=f"erased-{thread.pk}")
    merges = CustomerMerge.objects.filter(Q(source_id__in=subject.customer_ids) | Q(target_id__in=subject.customer_ids))
    merges.update(target_before={}, moved={})


register(
    "tickets",
    covers=["tickets.Ticket", "tickets.Message", "tickets.Attachment", "tickets.MessageRevision",
            "tickets.TicketEvent", "tickets.Delivery", "tickets.ChannelThread", "tickets.CustomerMerge"],
    exempt={
        "tickets.Tag": "Tag names chosen by the company.",
        "tickets.CustomField": "Field definitions (the values are in Ticket.custom_fields).",
        "tickets.TicketLink": "Links between ticket ids.",
        "tickets.CopiedAgent": "Which agents were copied on a ticket.",
        "tickets.ChannelReceipt": "Provider message ids, kept to refuse a replayed message; no text.",
    },
    export=_export, erase=_erase,
)
