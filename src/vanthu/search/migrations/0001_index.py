"""The search index: an FTS5 table on SQLite, tsvector columns with GIN on PostgreSQL.

The statements are written out here (not imported) so that this migration never changes.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SQLITE = [
    # The text is normalised and folded in Python (vanthu.core.text): FTS5 must not fold again.
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_index USING fts5("
    "folded, exact, symbol, sender, tokenize = 'unicode61 remove_diacritics 0')",
]
POSTGRESQL = [
    "CREATE TABLE IF NOT EXISTS search_index ("
    "document_id bigint PRIMARY KEY, folded tsvector NOT NULL, exact tsvector NOT NULL, "
    "symbol tsvector NOT NULL, sender tsvector NOT NULL, "
    "indexed_at timestamptz NOT NULL DEFAULT now())",
    "CREATE INDEX IF NOT EXISTS search_index_folded ON search_index USING gin (folded)",
    "CREATE INDEX IF NOT EXISTS search_index_symbol ON search_index USING gin (symbol)",
    "CREATE INDEX IF NOT EXISTS search_index_sender ON search_index USING gin (sender)",
]


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    for sql in POSTGRESQL if vendor == "postgresql" else SQLITE:
        schema_editor.execute(sql)


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    schema_editor.execute("DROP TABLE IF EXISTS search_index")


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
