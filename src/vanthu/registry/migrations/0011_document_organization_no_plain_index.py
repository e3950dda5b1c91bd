"""Document.organization loses its plain index (models.py says why): dropped by name, not
through AlterField, which on SQLite copies the whole document table into a new one."""

import django.db.models.deletion
from django.db import migrations, models

# Django's name for the foreign key's index (the same on SQLite and PostgreSQL).
INDEX = "registry_document_organization_id_136a4789"


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0002_document_types"),
        ("registry", "0010_fill_copy_counter"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="document",
                    name="organization",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="documents",
                        to="orgs.organization",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "registry_document" '
                    '("organization_id")',
                ),
            ],
        ),
    ]
