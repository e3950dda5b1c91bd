"""``doc_outgoing_order`` (direction, created_at, id): the sổ đi list's order (``-created_at,
-pk``), walked from the newest row, and its cursor pages (``views.urgent_pages.OUTGOING``)
entered at the cursor instead of sorting every outgoing document (docs/registry.md, "Lists").

On PostgreSQL built ``CONCURRENTLY`` (so the migration is not atomic): on a large register the
build must not block registration; elsewhere an ordinary ``CREATE INDEX``.
"""

from typing import Any

from django.db import migrations, models

INDEX = models.Index(fields=["direction", "created_at", "id"], name="doc_outgoing_order")


def create(apps: Any, schema_editor: Any) -> None:
    model = apps.get_model("registry", "Document")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS doc_outgoing_order ON registry_document "
            "(direction, created_at, id)"
        )
    else:
        schema_editor.add_index(model, INDEX)


def drop(apps: Any, schema_editor: Any) -> None:
    model = apps.get_model("registry", "Document")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS doc_outgoing_order")
    else:
        schema_editor.remove_index(model, INDEX)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("registry", "0011_document_organization_no_plain_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(create, drop, elidable=False)],
            state_operations=[migrations.AddIndex(model_name="document", index=INDEX)],
        )
    ]
