"""Every reply's email sent before the channel port gets its tickets.Delivery, so the timeline
(which now reads deliveries) and the retry endpoint show them as before. Acknowledgements (no
message) keep only their email record. Reversible: the deliveries it made are removed."""

from django.db import migrations

EMAIL_CHANNEL = "email"


def forwards(apps, schema_editor):
    OutboundEmail = apps.get_model("mail", "OutboundEmail")
    Delivery = apps.get_model("tickets", "Delivery")
    pending = OutboundEmail.objects.filter(message__isnull=False, delivery__isnull=True).order_by("id")
    for email in pending.iterator(chunk_size=500):
        failed = email.status == "failed"
        delivery = Delivery.objects.create(
            message_id=email.message_id, channel=EMAIL_CHANNEL, status=email.status,
            failure_reason=(email.last_error or "?") if failed else email.last_error, attempts=email.attempts,
            external_id=email.header_id if email.status == "sent" else "", created_at=email.created_at,
            sent_at=email.sent_at, failed_at=email.created_at if failed else None,
        )
        OutboundEmail.objects.filter(pk=email.pk).update(delivery=delivery)


def backwards(apps, schema_editor):
    OutboundEmail = apps.get_model("mail", "OutboundEmail")
    Delivery = apps.get_model("tickets", "Delivery")
    ids = list(OutboundEmail.objects.filter(delivery__isnull=False).values_list("delivery_id", flat=True))
    OutboundEmail.objects.filter(delivery__isnull=False).update(delivery=None)
    Delivery.objects.filter(pk__in=ids).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0003_outbound_email_delivery"),
        ("tickets", "0007_delivery"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
