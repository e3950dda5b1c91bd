"""Drafts (issue 3): what the "đã thu hồi / đã bị thay thế" mark costs the registry lists.

The registry's lists and detail carry ``status_note``, one correlated subquery over
``drafts_documentrelation`` per row returned (``drafts/notes.py``). On a fresh PostgreSQL
database ``vanthu_bench_drafts_<pid>``: ``BENCH_DRAFTS_DOCS`` (200,000) incoming documents for
one committee (generated as in ``bench_registry``), one in ``BENCH_DRAFTS_EVERY`` (100) of them
recalled, one in 300 replaced; then, in process, page 1 (50 rows) and a page at offset 1,000 of
``selectors.incoming_list`` with the mark against the same query without it, the count, and the
clerk's notices list (``drafts.selectors.notices``).

Run: ``.venv/bin/python -m benchmarks bench_drafts``. The scratch database is dropped at the end.
"""

from __future__ import annotations

import functools
import os
import platform
import tempfile
from typing import Any

from benchmarks import bench_registry as reg

DOCS = int(os.environ.get("BENCH_DRAFTS_DOCS", "200000"))
EVERY = int(os.environ.get("BENCH_DRAFTS_EVERY", "100"))
REPEAT = int(os.environ.get("BENCH_DRAFTS_REPEAT", "15"))


def _lists(clerk: Any) -> None:
    from vanthu.drafts import selectors as drafts_selectors
    from vanthu.registry import selectors
    from vanthu.registry.models import Direction, Document

    marked = selectors.incoming_list(clerk)
    plain = (
        selectors.visible_documents(clerk, Document.objects.filter(direction=Direction.INCOMING))
        .select_related("document_type", "register")
        .order_by("-period_key", "-number", "-pk")
    )
    rows = list(marked[:50])
    print(
        f"visible incoming documents: {marked.count():,}; marked on page 1: "
        f"{sum(1 for d in rows if d.status_note)}"
    )
    for label, qs in [("without status_note", plain), ("with status_note", marked)]:
        first = reg.timed(functools.partial(reg.page, qs, 0), REPEAT)
        deep = reg.timed(functools.partial(reg.page, qs, 1000), REPEAT)
        count = reg.timed(qs.count, max(3, REPEAT // 3))
        print(
            f"| incoming_list {label} | page 1 {reg.summary_ms(first)} | offset 1,000 "
            f"{reg.summary_ms(deep)} | count {reg.summary_ms(count)} |"
        )
    notices = drafts_selectors.notices(clerk)
    n = notices.count()
    first = reg.timed(functools.partial(reg.page, notices, 0), REPEAT)
    count = reg.timed(notices.count, max(3, REPEAT // 3))
    print(
        f"| notices ({n:,} rows) | page 1 {reg.summary_ms(first)} | count {reg.summary_ms(count)} |"
    )
    if reg.PLANS:
        print("\nEXPLAIN ANALYZE, page 1 with status_note:\n" + reg.explain(marked[:50]))


def main() -> None:
    db = f"vanthu_bench_drafts_{os.getpid()}"
    reg.BENCH_DB = db
    reg.psql(f"CREATE DATABASE {db}")
    try:
        with tempfile.TemporaryDirectory(prefix="bench-drafts-") as data_dir:
            reg.setup_django(db, data_dir)
            from vanthu.orgs.models import DocumentType
            from vanthu.registry import numbering
            from vanthu.registry.models import Direction

            people = reg.create_people()
            org = people["org"]
            register = numbering.default_register(
                organization=org, direction=Direction.INCOMING, series="ordinary"
            )
            cv = DocumentType.objects.get(code="CV")
            took = reg.generate(org.pk, register.pk, cv.pk, people["specialist"].pk, DOCS)
            reg.psql_bench(
                "INSERT INTO drafts_documentrelation (kind, target_id, source_id, reason, origin,"  # noqa: S608 (integers and constants of this script)
                " previous, actor_id, created_at) SELECT 'recalls', id, NULL, 'x', 'exchange',"
                f" '{{}}', NULL, now() FROM registry_document WHERE id % {EVERY} = 0"
            )
            reg.psql_bench(
                "INSERT INTO drafts_documentrelation (kind, target_id, source_id, reason, origin,"  # noqa: S608 (integers and constants of this script)
                " previous, actor_id, created_at) SELECT 'replaces', id, id + 1, '', 'exchange',"
                f" '{{}}', NULL, now() FROM registry_document WHERE id % 300 = 1 AND id < {DOCS}"
            )
            reg.psql_bench("VACUUM ANALYZE drafts_documentrelation")
            print(f"{platform.node()}: {os.cpu_count()} CPUs; {DOCS:,} documents in {took:.1f} s")
            _lists(people["clerk"])
    finally:
        from django.db import connections

        connections.close_all()
        reg.psql(f"DROP DATABASE IF EXISTS {db}")


if __name__ == "__main__":
    main()
