"""The archive's stored state on dossiers and the indexes of the due and review lists.

The state is filled from the transfers and giữ lại by ``archive.0004_fill_dossier_state``.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0002_retention_samples"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="handed_in",
            field=models.BooleanField(default=False, editable=False, verbose_name="đã nộp lưu"),
        ),
        migrations.AddField(
            model_name="dossier",
            name="held_back_until",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="giữ lại đến ngày"
            ),
        ),
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(
                fields=["organization", "status", "end_date", "code"], name="dossier_by_end"
            ),
        ),
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(
                condition=models.Q(("handed_in", False), ("status", "closed")),
                fields=["end_date", "code"],
                name="dossier_due",
            ),
        ),
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(
                condition=models.Q(("retention_years__isnull", False), ("status", "closed")),
                fields=["end_date", "code"],
                name="dossier_review",
            ),
        ),
    ]
