"""The khai thác section's two lists, newest first, each read from an index in its order.

Requests and the register of use were sorted whole for the newest 50 rows (the register at
10,000 lines: SQLite 13 ms, PostgreSQL 121 ms; docs/benchmarks.md, archive).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0004_fill_dossier_state"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="accessrequest",
            index=models.Index(fields=["-created_at", "-id"], name="access_request_newest"),
        ),
        migrations.AddIndex(
            model_name="useentry",
            index=models.Index(fields=["-at", "-id"], name="use_entry_newest"),
        ),
    ]
