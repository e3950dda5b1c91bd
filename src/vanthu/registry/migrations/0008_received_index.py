"""``doc_received`` (organisation, direction, ngày đến): the clerk's "đã vào sổ hôm nay" on the
home page reads today's range instead of every incoming document of the organisation
(reports.dashboard, docs/reports.md "Speed").

On PostgreSQL built ``CONCURRENTLY`` (so the migration is not atomic): on a large register the
build must not block registration; elsewhere an ordinary ``CREATE INDEX``.
"""

from typing import Any

from django.db import migrations, models

INDEX = models.Index(fields=["organization", "direction", "received_at"], name="doc_received")


def create(apps: Any, schema_editor: Any) -> None:
    model = apps.get_model("registry", "Document")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS doc_received ON registry_document "
            "(organization_id, direction, received_at)"
        )
    else:
        schema_editor.add_index(model, INDEX)


def drop(apps: Any, schema_editor: Any) -> None:
    model = apps.get_model("registry", "Document")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS doc_received")
    else:
        schema_editor.remove_index(model, INDEX)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("registry", "0007_summary_trigram_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(create, drop, elidable=False)],
            state_operations=[migrations.AddIndex(model_name="document", index=INDEX)],
        )
    ]
