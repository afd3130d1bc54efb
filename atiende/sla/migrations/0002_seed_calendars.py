from django.db import migrations

ALL_DAY = [["00:00", "24:00"]]
OFFICE = [["09:00", "14:00"], ["15:00", "18:00"]]
KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CALENDARS = [
    ("24/7", "UTC", {key: ALL_DAY for key in KEYS}, ""),
    ("Horario de oficina (CDMX)", "America/Mexico_City", {key: (OFFICE if key not in ("sat", "sun") else []) for key in KEYS}, "MX"),
]


def seed(apps, schema_editor):
    Calendar = apps.get_model("sla", "Calendar")
    for name, zone, hours, holidays in CALENDARS:
        Calendar.objects.get_or_create(name=name, defaults={"time_zone": zone, "hours": hours, "holidays": holidays})


def unseed(apps, schema_editor):
    apps.get_model("sla", "Calendar").objects.filter(name__in=[c[0] for c in CALENDARS]).delete()


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
