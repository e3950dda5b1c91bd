"""The dossier list's order index also holds what its filter and the access policy test.

A numbered page walks and drops every row before it (``?page=500``: 24,950 rows) and the list
counts every row the user may see; with status, secrecy and the two need-to-know columns in
the index, both read the index alone instead of a table row each (docs/benchmarks.md,
archive).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0006_dossier_retention_end_year"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="dossier", name="dossier_order"),
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(
                fields=[
                    "-year",
                    "organization",
                    "code",
                    "id",
                    "status",
                    "secrecy",
                    "created_by",
                    "responsible",
                ],
                name="dossier_order",
            ),
        ),
    ]
