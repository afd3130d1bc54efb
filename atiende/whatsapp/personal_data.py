"""Raw WhatsApp webhook bodies name the sender's number and carry their text
(atiende/core/personal_data.py)."""

from __future__ import annotations

from atiende.core.personal_data import Subject, containing, register

from .models import WebhookEvent


def _erase(subject: Subject) -> None:
    containing(WebhookEvent.objects.all(), "body", [*subject.phones, *subject.other_ids]).delete()


register(
    "whatsapp",
    covers=["whatsapp.WebhookEvent"],  # raw provider payloads: erased, not exported (the messages are)
    exempt={
        "whatsapp.WhatsAppNumber": "The company's numbers and credentials.",
        "whatsapp.PendingStatus": "Delivery statuses by provider message id.",
        "whatsapp.WhatsAppTemplate": "The company's message templates.",
    },
    erase=_erase,
)
