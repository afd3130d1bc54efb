"""PostgreSQL only: `unaccent`, `pg_trgm` and the atiende_es / atiende_en text search
configurations (Spanish/English Snowball stemming after unaccent). Creating extensions needs a
superuser or, since PostgreSQL 13, a database owner for these two trusted extensions; where the
application's role has neither, a DBA runs the two CREATE EXTENSION lines first (docs/operations.md).
SQLite needs nothing here: its FTS5 table stores terms normalised in Python."""

from django.db import migrations

FORWARDS = """
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'atiende_es') THEN
    CREATE TEXT SEARCH CONFIGURATION atiende_es (COPY = spanish);
    ALTER TEXT SEARCH CONFIGURATION atiende_es
      ALTER MAPPING FOR hword, hword_part, word WITH unaccent, spanish_stem;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'atiende_en') THEN
    CREATE TEXT SEARCH CONFIGURATION atiende_en (COPY = english);
    ALTER TEXT SEARCH CONFIGURATION atiende_en
      ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
  END IF;
END $$;
"""
BACKWARDS = """
DROP TEXT SEARCH CONFIGURATION IF EXISTS atiende_es;
DROP TEXT SEARCH CONFIGURATION IF EXISTS atiende_en;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARDS)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARDS)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_starter_synonyms")]
    operations = [migrations.RunPython(forwards, backwards)]
