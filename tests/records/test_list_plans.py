"""The dossier list reads its order index, which holds what the filter and the policy test.

A numbered page (``?page=500``) walks and drops every row before it, and the list is counted
whole: with the status, secrecy and need-to-know columns in ``dossier_order`` neither reads a
table row per dossier (docs/records.md "Indexes", docs/benchmarks.md "archive").
"""

from __future__ import annotations

from django.db import connection

from tests.records.conftest import Office
from tests.records.plans import plan_of
from vanthu.records import selectors


def test_a_numbered_page_walks_the_order_index_with_no_sort(office: Office) -> None:
    office.dossier(code="01.VP")
    page = selectors.dossier_list(office.specialist)[100:150]
    plan = plan_of(page)
    assert "dossier_order" in plan, plan
    if connection.vendor == "sqlite":
        assert "TEMP B-TREE" not in plan, plan
    else:
        # The key ends with id, as the list's order does: no sort of ties either.
        assert "Sort" not in plan, plan


def test_the_closed_choices_walk_the_order_index(office: Office) -> None:
    office.dossier(code="01.VP")
    plan = plan_of(selectors.dossier_list(office.archivist, status="closed")[:200])
    assert "dossier_order" in plan, plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan


def test_the_count_reads_the_order_index_alone(office: Office) -> None:
    office.dossier(code="01.VP")
    plan = plan_of(selectors.dossier_list(office.specialist), count=True)
    if connection.vendor == "sqlite":
        assert "COVERING INDEX dossier_order" in plan, plan
    else:
        # Whether PostgreSQL takes it over the table, or another index, depends on statistics
        # and the visibility map that earlier tests leave behind (a CI run chose
        # dossier_by_end); that it *can* count from the index alone is what the index is for:
        # every column the count's filter and the policy read is in it.
        with connection.cursor() as cursor:
            index = connection.introspection.get_constraints(cursor, "records_dossier")[
                "dossier_order"
            ]
        read = {"organization_id", "status", "secrecy", "created_by_id", "responsible_id", "id"}
        assert read <= set(index["columns"]), index["columns"]


def test_the_order_index_changes_no_row_of_the_list(office: Office) -> None:
    for n, year in enumerate((2024, 2026, 2025, 2026)):
        office.dossier(code=f"{n + 1:02d}.VP", year=year)
    secret = office.dossier(code="09.VP", year=2026)
    type(secret).objects.filter(pk=secret.pk).update(secrecy="secret")
    rows = list(selectors.dossier_list(office.specialist).values_list("year", "code"))
    assert rows == [(2026, "02.VP"), (2026, "04.VP"), (2025, "03.VP"), (2024, "01.VP")]
    assert selectors.dossier_list(office.specialist).count() == 4
    assert selectors.dossier_list(office.clerk).count() == 5  # the clerk made it
