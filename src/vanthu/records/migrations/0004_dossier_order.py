"""An index in the dossier list's order (newest year, organisation, code)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0003_dossier_archive_state"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(fields=["-year", "organization", "code"], name="dossier_order"),
        ),
    ]
