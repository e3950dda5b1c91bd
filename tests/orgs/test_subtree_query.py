""" "This organisation and everything below it" is one indexed range query at 3,000 organisations
(foundation issue, item 5): checked with the database's own query plan on both backends."""

from __future__ import annotations

from typing import Any

from django.db import connection

from vanthu.orgs.models import Organization


def _tree(committees: int = 60, cells: int = 49) -> Organization:
    """A city committee, ``committees`` committees, ``cells`` grassroots each (~3,000 rows)."""
    root = Organization.objects.create(code="TU", name="Thành ủy", symbol="TU", kind="committee")
    Organization.objects.filter(pk=root.pk).update(path=Organization.segment(root.pk))
    root.refresh_from_db()
    for i in range(committees):
        du = Organization.objects.create(
            code=f"DU{i}", name=f"Đảng ủy {i}", symbol="ĐU", kind="committee", parent=root
        )
        du.path = root.path + Organization.segment(du.pk)
        Organization.objects.filter(pk=du.pk).update(path=du.path, depth=1)
        made = Organization.objects.bulk_create(
            Organization(
                code=f"CB{i}-{j}",
                name=f"Chi bộ {i}.{j}",
                symbol="CB",
                kind="grassroots",
                parent=du,
            )
            for j in range(cells)
        )
        for cell in made:
            cell.path = du.path + Organization.segment(cell.pk)
            cell.depth = 2
        Organization.objects.bulk_update(made, ["path", "depth"])
    return root


def test_subtree_is_one_range_on_the_path_index(db: Any) -> None:
    root = _tree()
    assert Organization.objects.count() >= 3000
    du = Organization.objects.get(code="DU7")
    below = Organization.objects.filter(du.subtree_q())
    assert below.count() == 50
    assert set(below.values_list("code", flat=True)) >= {"DU7", "CB7-0", "CB7-48"}
    assert Organization.objects.filter(root.subtree_q()).count() == Organization.objects.count()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")  # fresh statistics, as a running installation has
    plan = below.explain()
    # The plan names the path index: SQLite "USING INDEX orgs_organization_path…", PostgreSQL
    # "Index Scan"/"Bitmap Index Scan" on it. A full scan would say "SCAN orgs_organization"
    # without an index (SQLite) or "Seq Scan" (PostgreSQL).
    assert "path" in plan and "Seq Scan" not in plan, plan
    if connection.vendor == "sqlite":
        assert "USING INDEX" in plan or "USING COVERING INDEX" in plan, plan
