"""The due and review lists' indexes: key ends with id, then every column their filters test.

A page after a cursor (``?after=``) starts in the index with no sort of ties, and counting up to
10,000 rows reads the index alone (docs/benchmarks.md, archive).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0004_dossier_order"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="dossier", name="dossier_due"),
        migrations.RemoveIndex(model_name="dossier", name="dossier_review"),
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(
                condition=models.Q(("handed_in", False), ("status", "closed")),
                fields=[
                    "end_date",
                    "code",
                    "id",
                    "retention_code",
                    "retention_years",
                    "held_back_until",
                    "secrecy",
                    "organization",
                    "status",
                    "handed_in",
                ],
                name="dossier_due",
            ),
        ),
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(
                condition=models.Q(("retention_years__isnull", False), ("status", "closed")),
                fields=[
                    "end_date",
                    "code",
                    "id",
                    "retention_code",
                    "retention_years",
                    "secrecy",
                    "organization",
                    "status",
                ],
                name="dossier_review",
            ),
        ),
    ]
