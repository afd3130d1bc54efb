"""Every email taken in before the channel port gets its receipt (`tickets.ChannelReceipt`,
channel email, external id = the InboundMessage's key), so a message fetched again after the
upgrade is still a duplicate. Reversed: those receipts go (mail's records keep their keys)."""

from django.db import migrations

BATCH = 2000
OUTCOMES = {"new_ticket": "new_ticket", "reply": "reply", "automatic": "note", "bounce": "note"}


def copy_keys(apps, schema_editor):
    InboundMessage = apps.get_model("mail", "InboundMessage")
    ChannelReceipt = apps.get_model("tickets", "ChannelReceipt")
    rows = InboundMessage.objects.order_by("pk").values_list("key", "kind", "ticket_id", "message_id", "received_at")
    batch = []
    for key, kind, ticket_id, message_id, received_at in rows.iterator(chunk_size=BATCH):
        batch.append(ChannelReceipt(channel="email", external_id=key, outcome=OUTCOMES.get(kind, ""),
                                    ticket_id=ticket_id, message_id=message_id, received_at=received_at,
                                    created_at=received_at))
        if len(batch) >= BATCH:
            ChannelReceipt.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    ChannelReceipt.objects.bulk_create(batch, ignore_conflicts=True)


def drop_receipts(apps, schema_editor):
    InboundMessage = apps.get_model("mail", "InboundMessage")
    ChannelReceipt = apps.get_model("tickets", "ChannelReceipt")
    keys = InboundMessage.objects.values("key")
    ChannelReceipt.objects.filter(channel="email", external_id__in=keys).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0005_inbound_key_to_channel_receipt"),
        ("tickets", "0010_inbound_outcome_note"),
    ]

    operations = [migrations.RunPython(copy_keys, drop_receipts)]
