"""The database's own plan of a queryset, for tests that an index serves a list.

SQLite: ``EXPLAIN QUERY PLAN`` (it keeps no statistics here, so a small test table gets the plan
a large one gets). PostgreSQL: ``EXPLAIN`` with sequential scans and sorts priced out, so that
the plan says whether an index can serve the query at all, whatever the tables' size.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import QuerySet


def plan_of(qs: QuerySet[Any], *, count: bool = False) -> str:
    """The plan of ``qs`` (of ``SELECT COUNT(*)`` over it with ``count``), one line a step."""
    query = qs.query.chain()
    if count:
        query.clear_ordering(force=True)
    sql, params = query.get_compiler(connection=connection).as_sql()
    if count:
        # The SQL is the ORM's own, its values still parameters.
        sql = f"SELECT COUNT(*) FROM ({sql}) counted"  # noqa: S608
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return "\n".join(str(row[-1]) for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_sort = off")
        try:
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(str(row[0]) for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_sort")
