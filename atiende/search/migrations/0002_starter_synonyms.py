"""A Mexican-Spanish starter list of synonyms (the admin edits or deletes them)."""

from django.db import migrations

STARTER = {
    "candadito": "ssl, certificado",
    "candado": "ssl, certificado",
    "no me jala": "no funciona, falla",
    "no jala": "no funciona, falla",
    "no sirve": "no funciona, falla",
    "se cayo": "caido, no funciona",
    "pagina": "sitio web",
    "pagina web": "sitio web",
    "password": "contrasena",
    "pass": "contrasena",
    "clave": "contrasena",
    "backup": "respaldo, copia de seguridad",
    "mail": "correo",
    "email": "correo",
    "e mail": "correo",
    "cel": "celular, telefono",
    "feis": "facebook",
    "hosting": "alojamiento",
    "dominio vencido": "renovar dominio",
    "spam": "correo no deseado",
    "lento": "lentitud, rendimiento",
    "factura": "facturacion, cfdi",
    "cobro": "cargo, pago",
    "login": "iniciar sesion, acceso",
    "hackearon": "hackeo, seguridad",
    "wifi": "red, internet",
    "dns": "registros dns, zona dns",
    "ftp": "transferencia de archivos",
    "wordpress": "wp",
    "cpanel": "panel de control",
}


def forwards(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for phrase, meanings in STARTER.items():
        Synonym.objects.get_or_create(phrase=phrase, defaults={"meanings": meanings, "language": "es"})


def backwards(apps, schema_editor):
    apps.get_model("search", "Synonym").objects.filter(phrase__in=list(STARTER)).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
