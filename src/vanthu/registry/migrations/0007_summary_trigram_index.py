"""``q=`` of the document lists on PostgreSQL: trigram (pg_trgm) GIN indexes on the upper-cased
summary and số/ký hiệu, the very expressions ``icontains`` compares (docs/registry.md, "Lists").

PostgreSQL only: SQLite (the embedded mode, one office) keeps scanning, and the model declares
no index for it. Built ``CONCURRENTLY`` (so the migration is not atomic): on a large register the
build takes minutes and must not block registration meanwhile. ``pg_trgm`` is a trusted
extension (PostgreSQL 13+): the database owner may create it.
"""

from typing import Any

from django.db import migrations

INDEXES = {
    "doc_summary_trgm": "upper(summary)",
    "doc_symbol_trgm": "upper(number_symbol)",
}


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON registry_document "
            f"USING gin ({expression} gin_trgm_ops)"
        )


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("registry", "0006_open_urgency_index"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
