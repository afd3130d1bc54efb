"""The starting list of reasons for not solving a ticket (the administrators edit it after)."""

from django.db import migrations

# Spanish-first product: the seeded names are data the administrators rename at will.
REASONS = ["Fuera de alcance", "El cliente dejó de responder", "Limitación del producto", "Duplicado"]


def seed(apps, schema_editor):
    reason = apps.get_model("metrics", "OutcomeReason")
    for position, name in enumerate(REASONS):
        reason.objects.get_or_create(name=name, defaults={"position": position})


def unseed(apps, schema_editor):
    apps.get_model("metrics", "OutcomeReason").objects.filter(name__in=REASONS).delete()


class Migration(migrations.Migration):
    dependencies = [("metrics", "0001_outcomes_and_metric_events")]
    operations = [migrations.RunPython(seed, unseed)]
