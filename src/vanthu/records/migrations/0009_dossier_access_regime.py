"""Chế độ sử dụng of each dossier (TT 05/2025): 03 (mật) for the classified ones, else 01."""

from typing import Any

from django.db import migrations, models


def fill(apps: Any, schema_editor: Any) -> None:
    Dossier = apps.get_model("records", "Dossier")
    Dossier.objects.exclude(secrecy="none").update(access_regime="03")


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0008_dossier_due_org"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="access_regime",
            field=models.CharField(
                choices=[("01", "Công khai"), ("02", "Sử dụng có điều kiện"), ("03", "Mật")],
                default="01",
                max_length=2,
                verbose_name="chế độ sử dụng",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
