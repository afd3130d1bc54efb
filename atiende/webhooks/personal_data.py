"""Webhook deliveries carry copies of the person's tickets (atiende/core/personal_data.py).
Erased (bodies and answers), not exported: they are copies of rows exported elsewhere."""

from __future__ import annotations

from django.db.models import Q

from atiende.core.personal_data import Subject, containing, register

from .models import Attempt, Delivery


def _erase(subject: Subject) -> None:
    found = containing(Delivery.objects.all(), "body", subject.strings).values("pk")
    deliveries = Delivery.objects.filter(Q(ticket_id__in=subject.ticket_ids) | Q(pk__in=found))
    Attempt.objects.filter(delivery__in=deliveries).update(response_body="", error="")
    deliveries.update(body="{}", last_error="")


register(
    "webhooks",
    covers=["webhooks.Delivery", "webhooks.Attempt"],
    exempt={"webhooks.Subscription": "The company's webhook endpoints."},
    erase=_erase,
)
