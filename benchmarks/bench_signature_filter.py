"""The lists' ``?signature=`` filter at scale (issue 9, docs/signatures.md "Lists").

A fresh PostgreSQL database ``vanthu_bench_<pid>``, ``migrate``, one committee with its clerk;
``BENCH_SIGNATURE_DOCS`` (200,000) incoming documents by ``INSERT ... SELECT`` (the registry
benchmark's generator), one PDF for every third document, and the signature check of each:
1 in 200 files failed (invalid, expired or untrusted), 1 in 10 valid, the rest unsigned. Then
for each filter value the API list's first page and a cursor page deep in the list are read
through the real selector (``registry.selectors.incoming_list``, the access policy included):
CPU time of this process (``time.process_time``) per page, and PostgreSQL's EXPLAIN ANALYZE
execution time and plan.

Run: ``.venv/bin/python -m benchmarks bench_signature_filter``. The database is dropped at the
end (``BENCH_SIGNATURE_KEEP=1`` keeps it for manual EXPLAIN work).
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from typing import Any

from benchmarks import bench_registry as reg

DOCS = int(os.environ.get("BENCH_SIGNATURE_DOCS", "200000"))
REPEAT = int(os.environ.get("BENCH_SIGNATURE_REPEAT", "10"))
KEEP = os.environ.get("BENCH_SIGNATURE_KEEP", "") == "1"


def add_files_and_checks(org_id: int, clerk_id: int) -> tuple[int, dict[str, int]]:
    """One PDF for every third document of the organisation, and each file's check."""
    reg.psql_bench(
        "INSERT INTO registry_documentfile (document_id, position, sha256, size, content_type,"  # noqa: S608 (integers and constants of this script)
        " original_name, uploaded_by_id, uploaded_at, text, text_status, text_error,"
        " quality_flags, suggested_fields, encrypted, plaintext_sha256, key_id, wrapped_key,"
        " nonce, pdfa_nonce) "
        "SELECT id, 1, md5(id::text) || md5(id::text), 1000, 'application/pdf', 'van-ban.pdf',"
        f" {clerk_id}, now(), '', 'done', '', '[]', '{{}}', false, '', '', '', '', ''"
        f" FROM registry_document WHERE organization_id = {org_id} AND id % 3 = 0"
    )
    reg.psql_bench(
        "INSERT INTO signatures_filesignature (file_id, event_uuid, state, signer_name,"
        " signing_time, reason, signatures, checked_sha256, checked_at) "
        "SELECT id, gen_random_uuid(),"
        " CASE WHEN id % 200 = 0 THEN (ARRAY['invalid','expired','untrusted'])[1 + id % 3]"
        "  WHEN id % 10 = 1 THEN 'valid' ELSE 'unsigned' END,"
        " '', NULL, '', '[]', sha256, now() FROM registry_documentfile"
    )
    reg.psql_bench("VACUUM ANALYZE registry_documentfile")
    reg.psql_bench("VACUUM ANALYZE signatures_filesignature")
    files = int(reg.psql_bench("SELECT count(*) FROM registry_documentfile"))
    states = dict(
        line.split("|")
        for line in reg.psql_bench(
            "SELECT state, count(*) FROM signatures_filesignature GROUP BY state"
        ).splitlines()
    )
    return files, {k: int(v) for k, v in states.items()}


def cpu_ms(fn: Any) -> tuple[float, float]:
    """Median and worst CPU time of this process per call, in ms (after one warm-up)."""
    fn()
    spent = []
    for _ in range(REPEAT):
        t0 = time.process_time()
        fn()
        spent.append((time.process_time() - t0) * 1000)
    spent.sort()
    return spent[len(spent) // 2], spent[-1]


def execution_ms(plan: str) -> float:
    found = re.search(r"Execution Time: ([\d.]+) ms", plan)
    return float(found.group(1)) if found else -1.0


def main() -> None:
    reg.BENCH_DB = f"vanthu_bench_{os.getpid()}"
    reg.psql(f"CREATE DATABASE {reg.BENCH_DB}")
    try:
        with tempfile.TemporaryDirectory(prefix="bench-signature-") as data_dir:
            reg.setup_django(reg.BENCH_DB, data_dir)
            people = reg.create_people()
            from vanthu.registry import keyset, selectors

            took = reg.generate_incoming(people, DOCS)
            files, states = add_files_and_checks(people["org"].pk, people["clerk"].pk)
            print(f"{DOCS:,} documents ({took:.0f} s), {files:,} files, checks: {states}")
            print(f"load average at the start: {os.getloadavg()}")
            clerk = people["clerk"]
            for value in (None, "failed", "valid", "unsigned"):
                qs = selectors.incoming_list(clerk, signature=value)
                rows = reg.page(qs, 0)
                # A cursor deep in the list: after the row at ~60% of the register.
                deep = qs.filter(period_key=reg.YEARS[3]).first()
                after = keyset.INCOMING.filter(qs, keyset.INCOMING.cursor(deep)) if deep else qs
                first = cpu_ms(lambda qs=qs: reg.page(qs, 0))
                cursor = cpu_ms(lambda after=after: reg.page(after, 0))
                plan_first = reg.explain(qs[:51])
                plan_deep = reg.explain(after[:51])
                label = value or "(no filter)"
                print(
                    f"\n{label}: {len(rows)} rows on the first page; "
                    f"CPU first page p50 {first[0]:.1f} ms (max {first[1]:.1f}), "
                    f"cursor page p50 {cursor[0]:.1f} ms (max {cursor[1]:.1f}); "
                    f"PostgreSQL execution {execution_ms(plan_first):.1f} ms first, "
                    f"{execution_ms(plan_deep):.1f} ms cursor"
                )
                if value:
                    print(f"EXPLAIN ANALYZE, first page, signature={value}:\n{plan_first}")
            print(f"\nload average at the end: {os.getloadavg()}")
    finally:
        from django.db import connections

        connections.close_all()
        if KEEP:
            print(f"kept database {reg.BENCH_DB}")
        else:
            reg.psql(f"DROP DATABASE IF EXISTS {reg.BENCH_DB} WITH (FORCE)")


if __name__ == "__main__":
    main()
