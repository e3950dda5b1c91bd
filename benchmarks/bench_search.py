"""Search latency on SQLite FTS5 through the whole selector (docs/search.md, "Benchmark").

Generates ``BENCH_SEARCH_DOCS`` documents (default 100,000) with summaries drawn from the real
trích yếu of ../shared/data/vbpl_2025_2026 (a built-in list where the folder is absent) over
``BENCH_SEARCH_ORGS`` organisations (default 300), indexes them, then times ~20 typical queries
for a clerk of one organisation and for the city-level leader: p50/p95 of
``search_documents`` (count + top 20 + re-check + snippets). Prints a markdown table.

Run: ``BENCH_SEARCH_DOCS=100000 .venv/bin/python benchmarks/bench_search.py``.
"""

from __future__ import annotations

import csv
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

QUERIES = [
    "quy định",
    "quy dinh",
    "chuyển đổi số",
    "chuyen doi so",
    "cán bộ",
    "đảng ủy",
    "dang uy",
    "mật",
    "kế hoạch",
    "hóa",
    "ngân sách nhà nước",
    '"đổi mới sáng tạo"',
    "quốc phòng -an",
    "chuyển*",
    "5-NQ/TU",
    "so:125-KH/TU",
    "thu hút chuyên gia",
    "phòng chống tham nhũng",
    "đất đai",
    "tổ chức bộ máy",
]
FALLBACK = [
    "Quy định cơ chế, chính sách thu hút chuyên gia khoa học, công nghệ",
    "Kế hoạch triển khai chuyển đổi số trong các cơ quan Đảng",
    "Nghị quyết về công tác cán bộ và tổ chức bộ máy",
    "Báo cáo kết quả phòng chống tham nhũng, lãng phí",
    "Hướng dẫn quản lý ngân sách nhà nước và đất đai",
    "Chỉ thị về tăng cường quốc phòng, an ninh",
]
DATA = Path(__file__).resolve().parents[2] / "shared/data/vbpl_2025_2026/vbpl_metadata_all.csv"


def summaries() -> list[str]:
    if not DATA.exists():
        return FALLBACK
    with DATA.open(encoding="utf-8") as f:
        return [r["trich_yeu"] for r in csv.DictReader(f) if r.get("trich_yeu")] or FALLBACK


def main() -> None:
    os.environ.setdefault("VANTHU_DATA_DIR", tempfile.mkdtemp(prefix="vanthu-bench-search-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanthu.settings")
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    from vanthu.core.enums import Role
    from vanthu.orgs.models import DocumentType, Organization, Position, User
    from vanthu.registry.models import Document
    from vanthu.search import indexing
    from vanthu.search.selectors import search_documents

    n_docs = int(os.environ.get("BENCH_SEARCH_DOCS", "100000"))
    n_orgs = int(os.environ.get("BENCH_SEARCH_ORGS", "300"))
    rng = random.Random(2026)
    call_command("migrate", verbosity=0)

    city = Organization.objects.create(code="TU", name="Thành ủy", symbol="TU", kind="committee")
    city.path = Organization.segment(city.pk)
    city.save()
    orgs = [city]
    for i in range(n_orgs - 1):
        org = Organization.objects.create(
            code=f"O{i}", name=f"Đảng ủy phường {i}", symbol="ĐU", kind="committee", parent=city
        )
        org.path = city.path + Organization.segment(org.pk)
        org.depth = 1
        org.save()
        orgs.append(org)
    clerk = User.objects.create(username="clerk", organization=orgs[1])
    Position.objects.create(user=clerk, organization=orgs[1], role=Role.CLERK)
    leader = User.objects.create(username="leader", organization=city, clearance="secret")
    Position.objects.create(user=leader, organization=city, role=Role.LEADER)

    types = list(DocumentType.objects.all())
    texts = summaries()
    started = time.monotonic()
    batch: list[Document] = []
    for i in range(n_docs):
        org = orgs[1] if i % n_orgs == 0 else rng.choice(orgs)
        dtype = rng.choice(types)
        words = rng.choice(texts)
        if rng.random() < 0.3:
            words += " " + rng.choice(texts).lower()
        batch.append(
            Document(
                direction=rng.choice(["incoming", "outgoing"]),
                organization=org,
                document_type=dtype,
                number_symbol=f"{rng.randint(1, 999):02d}-{dtype.symbol_part}/TU",
                summary=words,
                sender=rng.choice(["Ban Tổ chức Thành ủy", "Văn phòng Thành ủy", "UBND thành phố"]),
                secrecy="secret" if rng.random() < 0.02 else "none",
                status="new",
            )
        )
        if len(batch) == 5000:
            Document.objects.bulk_create(batch)
            batch = []
    Document.objects.bulk_create(batch)
    created = time.monotonic() - started
    started = time.monotonic()
    indexing.reindex(batch=2000)
    index_seconds = time.monotonic() - started
    db = Path(os.environ["VANTHU_DATA_DIR"]) / "vanthu.sqlite3"

    print(
        f"{n_docs} documents, {n_orgs} organisations: created in {created:.0f} s, indexed in "
        f"{index_seconds:.0f} s ({n_docs / index_seconds:.0f} documents/s); database "
        f"{db.stat().st_size / 1e6:.0f} MB (index included)"
    )
    print()
    print(
        "| query | clerk p50 ms | clerk p95 ms | clerk hits "
        "| leader p50 ms | leader p95 ms | leader hits |"
    )
    print("|---|---|---|---|---|---|---|")
    all_times: dict[str, list[float]] = {"clerk": [], "leader": []}
    for q in QUERIES:
        row = [f"`{q}`"]
        for name, user in (("clerk", clerk), ("leader", leader)):
            times = []
            count = 0
            for _ in range(7):
                t = time.perf_counter()
                page = search_documents(user, q, limit=20)
                times.append((time.perf_counter() - t) * 1000)
                count = page.count
            all_times[name] += times
            times.sort()
            p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
            row += [f"{statistics.median(times):.1f}", f"{p95:.1f}", str(count)]
        print("| " + " | ".join(row) + " |")
    for name, times in all_times.items():
        times.sort()
        print(
            f"\nall queries, {name}: p50 {statistics.median(times):.1f} ms, "
            f"p95 {times[int(0.95 * len(times))]:.1f} ms"
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
