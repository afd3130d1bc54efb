from django.db import migrations

SECTORS = [
    ("ecommerce", "Comercio electrónico"),
    ("media", "Medios"),
    ("education", "Educación"),
    ("government", "Gobierno"),
    ("professional-services", "Servicios profesionales"),
    ("other", "Otro"),
]


def seed(apps, schema_editor):
    Sector = apps.get_model("customers", "Sector")
    for key, name in SECTORS:
        Sector.objects.get_or_create(key=key, defaults={"name": name})


def unseed(apps, schema_editor):
    Sector = apps.get_model("customers", "Sector")
    Sector.objects.filter(key__in=[key for key, _ in SECTORS], organization__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
