"""One copy sequence per organisation and year (NĐ 30 Phụ lục I Phần II.1c): the copy
counters start after the highest number already given, by the archive (``CertifiedCopy``) or
by the office's electronic sao y (``OrganizationSignature``); the numbers given stay as they
are."""

from django.db import migrations
from django.db.models import Max


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    CopyCounter = apps.get_model("registry", "CopyCounter")
    CertifiedCopy = apps.get_model("archive", "CertifiedCopy")
    OrganizationSignature = apps.get_model("signatures", "OrganizationSignature")
    highest: dict[tuple[int, int], int] = {}
    archive = CertifiedCopy.objects.values("organization_id", "year").annotate(top=Max("number"))
    for row in archive:
        key = (row["organization_id"], row["year"])
        highest[key] = max(highest.get(key, 0), row["top"] or 0)
    signed = (
        OrganizationSignature.objects.filter(copy_number__isnull=False)
        .values("organization_id", "copy_year")
        .annotate(top=Max("copy_number"))
    )
    for row in signed:
        key = (row["organization_id"], row["copy_year"])
        highest[key] = max(highest.get(key, 0), row["top"] or 0)
    for (organization_id, year), top in highest.items():
        counter, _created = CopyCounter.objects.get_or_create(
            organization_id=organization_id, year=year
        )
        if counter.last_number < top:
            counter.last_number = top
            counter.save(update_fields=["last_number"])


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0003_certifiedcopy"),
        ("registry", "0009_copy_counter"),
        ("signatures", "0002_organization_signing"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
