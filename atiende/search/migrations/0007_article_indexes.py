"""PostgreSQL only: GIN indexes on the article documents alone. Articles share the table with
a million ticket documents; without these, a suggestion's words were looked up among every
ticket's too and filtered by kind afterwards (p95 386 ms on the bench database)."""

from django.db import migrations

FORWARDS = """
CREATE INDEX IF NOT EXISTS search_document_article_vector ON search_document USING gin (vector)
  WHERE kind = 'article';
CREATE INDEX IF NOT EXISTS search_document_article_public_vector ON search_document
  USING gin (COALESCE(public_vector, vector)) WHERE kind = 'article';
"""
BACKWARDS = """
DROP INDEX IF EXISTS search_document_article_vector;
DROP INDEX IF EXISTS search_document_article_public_vector;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARDS)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARDS)


class Migration(migrations.Migration):
    dependencies = [("search", "0006_more_synonyms")]
    operations = [migrations.RunPython(forwards, backwards)]
