"""The `category` custom field the portal's "What is it about?" question fills in.

Customers may not set a ticket's type (that is the agents' triage), so the portal's short list
is a customer-visible choice field. An existing field with this key is left as the admin made it.
"""

from django.db import migrations

CHOICES = ["question", "problem", "billing", "other"]


def seed(apps, schema_editor):
    CustomField = apps.get_model("tickets", "CustomField")
    CustomField.objects.get_or_create(
        key="category",
        defaults={"label": "Categoría", "kind": "choice", "choices": CHOICES, "required": False,
                  "agent_only": False, "active": True},
    )


def unseed(apps, schema_editor):
    CustomField = apps.get_model("tickets", "CustomField")
    CustomField.objects.filter(key="category", kind="choice", choices=CHOICES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_pending_signup"),
        ("tickets", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
