"""PostgreSQL only: `atiende_fold(text)`, `text.words` in SQL (lower case, unaccent, anything but
[0-9a-z] separates words), for rebuilding many documents inside the database."""

from django.db import migrations

FORWARDS = """
CREATE OR REPLACE FUNCTION atiende_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT btrim(regexp_replace(lower(public.unaccent('public.unaccent', coalesce(value, ''))), '[^0-9a-z]+', ' ', 'g')) $$;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARDS)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS atiende_fold(text)")


class Migration(migrations.Migration):
    dependencies = [("search", "0004_document")]
    operations = [migrations.RunPython(forwards, backwards)]
