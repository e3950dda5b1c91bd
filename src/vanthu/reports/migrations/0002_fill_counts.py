"""Fill the dashboard's counts from the documents already stored (derived data only).

It runs the same code as ``vanthu rebuild-counts`` (the live models, not the historical ones:
the counts are derived from the documents and are rebuilt whole, so there is no older shape of
them to respect). Reversing drops nothing that cannot be recomputed.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def fill(apps: Any, schema_editor: Any) -> None:
    from vanthu.reports import summary

    summary.rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("registry", "0005_duplicate_symbol_index"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
