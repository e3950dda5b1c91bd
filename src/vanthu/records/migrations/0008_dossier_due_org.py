"""The due list's rows for one organisation, in the list's order (``dossier_due_org``).

Filtered by organisation (the nộp lưu page's 300 choices, ``GET transfers/due/?organization=``)
both databases took ``dossier_by_end`` and skipped every dossier already handed in, one table
row each (70,000 at 100,000 dossiers); this partial index holds only the dossiers still to hand
in, from the organisation and status on (SQLite takes the index with more equal key columns:
the partial condition does not count as one), with the columns the list and the access policy
test (docs/benchmarks.md, archive).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0007_dossier_order_covering"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(
                condition=models.Q(("handed_in", False), ("status", "closed")),
                fields=[
                    "organization",
                    "status",
                    "end_date",
                    "code",
                    "id",
                    "retention_code",
                    "retention_years",
                    "held_back_until",
                    "secrecy",
                    "handed_in",
                ],
                name="dossier_due_org",
            ),
        ),
    ]
