"""Bulk filing and the year-end wizard (issue #12; docs/records.md).

For each backend in ``BENCH_RECORDS_BACKENDS`` (``sqlite,postgres``; PostgreSQL is skipped when
it does not answer), in a fresh process and a fresh database:

1. The office of ``bench_archive`` (services), then ``BENCH_RECORDS_DOCS`` (6,000) registered
   documents of 2026, in bulk, none filed.
2. ``POST dossiers/{id}/documents/bulk/`` with 500 documents, ``BENCH_RECORDS_REPEAT`` (5)
   times, each into a fresh dossier; for comparison the same 500 filed one call at a time
   (``POST dossiers/{id}/documents/``), once.
3. The "Lập hồ sơ hàng loạt" page (first page, the rest still unfiled) and the /ho-so/ list,
   each 10 times.
4. The year-end steps on 200 open dossiers of one document each: close them all, hand them in,
   open next year; then each step again (nothing left to do).

Run: ``.venv/bin/python -m benchmarks bench_records_bulk``.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from typing import Any

from benchmarks.bench_archive import (
    PG_URL,
    ROOT,
    ms,
    people,
    postgres_answers,
    setup_django,
    timed,
)

DOCS = int(os.environ.get("BENCH_RECORDS_DOCS", "6000"))
REPEAT = int(os.environ.get("BENCH_RECORDS_REPEAT", "5"))
BACKENDS = os.environ.get("BENCH_RECORDS_BACKENDS", "sqlite,postgres").split(",")
BULK = 500
YEAR_END_DOSSIERS = 200


def fill(p: dict[str, Any]) -> list[int]:
    from django.utils import timezone

    from vanthu.orgs.models import DocumentType
    from vanthu.registry import services as registry
    from vanthu.registry.models import Document

    template = registry.register_incoming(
        actor=p["clerk"],
        organization=p["org"],
        data={
            "sender": "Ban Tổ chức Trung ương",
            "number_symbol": "1-CV/BTCTW",
            "document_type": DocumentType.objects.get(code="CV"),
            "issued_date": datetime.date(2026, 1, 2),
            "summary": "Về việc tổ chức hội nghị",
            "secrecy": "none",
            "received_at": timezone.now(),
            "page_count": 2,
        },
    )
    docs = []
    for i in range(DOCS):
        doc = Document(
            **{
                f.attname: getattr(template, f.attname)
                for f in Document._meta.concrete_fields
                if not f.primary_key
            }
        )
        doc.number = (template.number or 0) + 1 + i
        doc.issued_date = datetime.date(2026, 1 + i % 12, 1 + i % 28)
        doc.summary = f"Công văn trao đổi số {i} về công tác tổ chức"
        docs.append(doc)
    made = Document.objects.bulk_create(docs, batch_size=2000)
    return [d.pk for d in made]


def measure(p: dict[str, Any], ids: list[int]) -> dict[str, Any]:
    from django.test import Client
    from rest_framework.test import APIClient

    from vanthu.records import services
    from vanthu.records.models import DossierDocument
    from vanthu.records.services import year_end

    clerk, org = p["clerk"], p["org"]
    api = APIClient()
    api.force_authenticate(clerk)
    web = Client()
    web.force_login(clerk)
    # Warm up: the first request of a process imports every app's URLs and views (seconds on
    # a busy machine), which is not the cost of the call measured.
    api.get("/api/v1/dossiers/")
    web.get("/ho-so/")
    n = 0

    def dossier(code: str) -> Any:
        return services.create_dossier(
            actor=clerk, organization=org, data={"code": code, "title": "Hồ sơ đo", "year": 2026}
        )

    results: dict[str, Any] = {}
    bulk_times = []
    for r in range(REPEAT):
        d = dossier(f"B{r:02d}")
        chunk = ids[n : n + BULK]
        n += BULK
        start = time.perf_counter()
        answer = api.post(f"/api/v1/dossiers/{d.pk}/documents/bulk/", {"documents": chunk}, "json")
        bulk_times.append(time.perf_counter() - start)
        assert answer.status_code == 201, answer.content[:300]
    results["bulk_500"] = bulk_times
    d = dossier("ONE")
    start = time.perf_counter()
    for pk in ids[n : n + BULK]:
        answer = api.post(f"/api/v1/dossiers/{d.pk}/documents/", {"document": pk}, "json")
        assert answer.status_code == 201, answer.content[:300]
    results["one_by_one_500"] = time.perf_counter() - start
    n += BULK
    results["unfiled_left"] = len(ids) - n

    def page(url: str) -> Any:
        def run() -> Any:
            answer = web.get(url)
            assert answer.status_code == 200, answer.status_code
            return answer

        return run

    results["bulk_page"], _ = timed(page("/ho-so/lap-ho-so-hang-loat/?nam=2026"), 10)
    results["bulk_page_words"], _ = timed(page("/ho-so/lap-ho-so-hang-loat/?q=số+59"), 10)
    results["dossier_list"], _ = timed(page("/ho-so/"), 10)

    # Year end: 200 open dossiers of one document each.
    for k in range(YEAR_END_DOSSIERS):
        d = dossier(f"Y{k:03d}")
        DossierDocument.objects.create(dossier=d, document_id=ids[n], position=1, added_by=clerk)
        n += 1
    steps = [
        ("close_year", year_end.close_year),
        ("transfer_year", year_end.transfer_year),
        ("open_next_year", year_end.open_next_year),
    ]
    for name, step in steps:
        start = time.perf_counter()
        step(actor=clerk, organization=org, year=2026)
        results[name] = time.perf_counter() - start
    for name, step in steps:
        start = time.perf_counter()
        step(actor=clerk, organization=org, year=2026)
        results[name + "_again"] = time.perf_counter() - start
    return results


def one(backend: str) -> None:
    with tempfile.TemporaryDirectory(prefix="vanthu-bench-records-") as data_dir:
        db = setup_django(backend, data_dir)
        try:
            p = people()
            start = time.perf_counter()
            ids = fill(p)
            filled = time.perf_counter() - start
            results = measure(p, ids)
            print(json.dumps({"backend": backend, "fill_s": filled, **results}), flush=True)
        finally:
            if db:
                from django.db import connections

                connections.close_all()
                subprocess.run(
                    ["psql", f"{PG_URL}/postgres", "-qc", f"DROP DATABASE IF EXISTS {db}"],
                    check=False,
                )


def report(data: dict[str, Any]) -> None:
    print(f"-- {data['backend']}: {DOCS:,} documents of 2026 filled in {data['fill_s']:.1f} s")
    print(f"   {'POST documents/bulk/ (500 documents)':44s} {ms(data['bulk_500'])}")
    print(
        f"   {'POST documents/ × 500 (one at a time)':44s} {data['one_by_one_500'] * 1000:8.1f} ms"
    )
    print(f"   {'GET /ho-so/lap-ho-so-hang-loat/':44s} {ms(data['bulk_page'])}")
    print(f"   {'  … ?q= (words)':44s} {ms(data['bulk_page_words'])}")
    print(f"   {'GET /ho-so/':44s} {ms(data['dossier_list'])}")
    print(f"   ({data['unfiled_left']:,} documents still unfiled while the pages were read)")
    for name in ("close_year", "transfer_year", "open_next_year"):
        label = f"{name} ({YEAR_END_DOSSIERS} dossiers)"
        again = data[name + "_again"] * 1000
        print(f"   {label:44s} {data[name] * 1000:8.1f} ms   again: {again:.1f} ms")


def main() -> None:
    for backend in BACKENDS:
        if backend == "postgres" and not postgres_answers():
            print("-- postgres: not reachable, skipped")
            continue
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_records_bulk", backend],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        line = [x for x in out.stdout.splitlines() if x.startswith("{")][-1]
        report(json.loads(line))


if __name__ == "__main__":
    if len(sys.argv) > 1:
        one(sys.argv[1])
    else:
        main()
