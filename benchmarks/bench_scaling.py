"""Figures for the national plan (docs/scaling.md): write rate, index rate, bytes per document.

1. A fresh PostgreSQL database, ``migrate``, one committee (the helpers of bench_registry).
2. ``BENCH_SCALING_DOCS`` (200,000) incoming documents by ``INSERT ... SELECT`` (rows/s of the
   bare table, the upper bound of any import).
3. The search index rebuilt over them (``vanthu.search.indexing.reindex``): documents/s.
4. Table and index sizes (``pg_total_relation_size``), per million documents.
5. The same count query for one organisation and for all, to show what partitioning by
   organisation would prune.

Run: ``.venv/bin/python -m benchmarks bench_scaling``. The scratch database is dropped at the end.
"""

from __future__ import annotations

import os
import tempfile
import time

from benchmarks import bench_registry as reg

DOCS = int(os.environ.get("BENCH_SCALING_DOCS", "200000"))
TABLES = ("registry_document", "search_index", "registry_assignment", "audit_event", "core_job")


def _size(table: str) -> int:
    out = reg.psql_bench(f"SELECT coalesce(pg_total_relation_size(to_regclass('{table}')), 0)")
    return int(out or 0)


def main() -> None:
    reg.BENCH_DB = f"vanthu_bench_scaling_{os.getpid()}"
    reg.psql(f"CREATE DATABASE {reg.BENCH_DB}")
    try:
        with tempfile.TemporaryDirectory(prefix="bench-scaling-") as data_dir:
            reg.setup_django(reg.BENCH_DB, data_dir)
            people = reg.create_people()
            from vanthu.search.indexing import reindex

            took = reg.generate_incoming(people, DOCS)
            print(f"inserted {DOCS:,} documents in {took:.1f} s: {DOCS / took:,.0f} rows/s")
            t0 = time.perf_counter()
            indexed = reindex(batch=2000)
            t_index = time.perf_counter() - t0
            print(f"indexed {indexed:,} in {t_index:.1f} s: {indexed / t_index:,.0f} documents/s")
            reg.psql_bench("VACUUM ANALYZE")
            total = 0
            for table in TABLES:
                size = _size(table)
                total += size
                per_million = size / DOCS * 1_000_000 / 2**30
                print(f"{table}: {size / 2**20:,.1f} MiB; {per_million:,.2f} GiB per million")
            print(f"total of these: {total / DOCS * 1_000_000 / 2**30:,.2f} GiB per million")
            db = int(reg.psql_bench("SELECT pg_database_size(current_database())"))
            print(f"whole database: {db / 2**20:,.0f} MiB")
            for label, where in (
                ("one organisation", f"organization_id = {people['org'].pk}"),
                ("all", "TRUE"),
            ):
                t0 = time.perf_counter()
                reg.psql_bench(f"SELECT count(*) FROM registry_document WHERE {where}")  # noqa: S608
                print(f"count(*) {label}: {(time.perf_counter() - t0) * 1000:.0f} ms")
    finally:
        from django.db import connections

        connections.close_all()
        reg.psql(f"DROP DATABASE IF EXISTS {reg.BENCH_DB} WITH (FORCE)")


if __name__ == "__main__":
    main()
