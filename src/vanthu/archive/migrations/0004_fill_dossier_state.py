"""Fill the dossiers' stored archive state from the transfers and approved giữ lại.

From here on the archive services keep it in step (``archive.state``); this runs once for the
rows that existed before. Reversing it leaves the columns to ``records.0003`` to drop.
"""

from typing import Any

from django.db import migrations
from django.db.models import Max, OuterRef, Subquery


def fill(apps: Any, schema_editor: Any) -> None:
    Dossier = apps.get_model("records", "Dossier")
    TransferItem = apps.get_model("archive", "TransferItem")
    HeldBack = apps.get_model("archive", "HeldBack")
    Dossier.objects.filter(
        pk__in=TransferItem.objects.filter(active=True).values("dossier_id")
    ).update(handed_in=True)
    latest = (
        HeldBack.objects.filter(dossier=OuterRef("pk"), status="approved")
        .values("dossier")
        .annotate(last=Max("until"))
        .values("last")
    )
    Dossier.objects.filter(
        pk__in=HeldBack.objects.filter(status="approved").values("dossier_id")
    ).update(held_back_until=Subquery(latest))


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0003_certifiedcopy"),
        ("records", "0003_dossier_archive_state"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
