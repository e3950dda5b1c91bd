"""Search latency through the whole selector, on SQLite FTS5 or PostgreSQL (docs/search.md).

Generates ``BENCH_SEARCH_DOCS`` documents (default 100,000) over ``BENCH_SEARCH_ORGS``
organisations (default 3,000, one city committee above the rest). Summaries are the real trích
yếu of ../shared/data/vbpl_2025_2026 (a built-in list where the folder is absent); each document
also gets 1–3 pages (``BENCH_SEARCH_PAGE_WORDS`` syllables each, default 300) of text made of
other summaries, written straight into the index through ``backends.upsert`` (no file rows,
no per-document reads). Then, for a clerk of one organisation and for the city leader, it times
20 typical queries: ``search_documents`` (count + top 20 + access re-check + snippets) against
the raw engine (the same compiled match, same window, without the access probe or the page).

The generated database is kept between runs (SQLite: a folder in the temp directory;
PostgreSQL: database ``vanthu_bench_search_<docs>_<orgs>``); ``BENCH_SEARCH_FRESH=1`` rebuilds.

Run: ``BENCH_SEARCH_DOCS=100000 .venv/bin/python -m benchmarks bench_search``; add
``BENCH_SEARCH_BACKEND=postgres`` (and ``BENCH_PG_URL``, default
postgres://postgres@127.0.0.1:5432) for PostgreSQL.
"""

# S608: the SQL is built from constants of vanthu.search.backends; user text is a parameter.
# ruff: noqa: S608

from __future__ import annotations

import csv
import os
import random
import resource
import statistics
import subprocess
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


PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
RUNS = int(os.environ.get("BENCH_SEARCH_RUNS", "7"))


def psql(sql: str, db: str = "postgres") -> str:
    out = subprocess.run(
        ["psql", f"{PG_URL}/{db}", "-v", "ON_ERROR_STOP=1", "-qAtc", sql],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def configure(n_docs: int, n_orgs: int) -> bool:
    """Point Django at the cached bench database; True when it must be generated."""
    fresh = os.environ.get("BENCH_SEARCH_FRESH") == "1"
    backend = os.environ.get("BENCH_SEARCH_BACKEND", "sqlite")
    data_dir = Path(tempfile.gettempdir()) / f"vanthu-bench-search-{backend}-{n_docs}-{n_orgs}"
    data_dir.mkdir(exist_ok=True)
    os.environ["VANTHU_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "vanthu.settings"
    os.environ.pop("VANTHU_REPLICA_DATABASE_URL", None)
    done = data_dir / "generated"
    if backend == "postgres":
        db = f"vanthu_bench_search_{n_docs}_{n_orgs}"
        os.environ["DATABASE_URL"] = f"{PG_URL}/{db}"
        if fresh or not done.exists():
            psql(f"DROP DATABASE IF EXISTS {db}")
            psql(f"CREATE DATABASE {db}")
            done.unlink(missing_ok=True)
    else:
        os.environ.pop("DATABASE_URL", None)
        if fresh:
            for f in data_dir.glob("vanthu.sqlite3*"):
                f.unlink()
            done.unlink(missing_ok=True)
    return not done.exists()


def generate(n_docs: int, n_orgs: int, rng: random.Random) -> str:
    from vanthu.orgs.models import DocumentType, Organization
    from vanthu.registry.models import Document
    from vanthu.search import access, backends
    from vanthu.search.query import exact_tokens, folded_tokens

    city = Organization.objects.create(code="TU", name="Thành ủy", symbol="TU", kind="committee")
    city.path = Organization.segment(city.pk)
    city.save()
    children = Organization.objects.bulk_create(
        Organization(
            code=f"O{i}", name=f"Đảng ủy phường {i}", symbol="ĐU", kind="committee", parent=city
        )
        for i in range(n_orgs - 1)
    )
    for org in children:
        org.path = city.path + Organization.segment(org.pk)
        org.depth = 1
    Organization.objects.bulk_update(children, ["path", "depth"], batch_size=1000)
    orgs = [city, *children]
    types = list(DocumentType.objects.all())
    texts = summaries()
    folded = [folded_tokens(t) for t in texts]
    exact = [exact_tokens(t) for t in texts]
    senders = ["Ban Tổ chức Thành ủy", "Văn phòng Thành ủy", "UBND thành phố"]
    page_words = int(os.environ.get("BENCH_SEARCH_PAGE_WORDS", "300"))
    started = time.monotonic()
    for start in range(0, n_docs, 5000):
        batch = []
        for i in range(start, min(n_docs, start + 5000)):
            org = orgs[1] if i % n_orgs == 0 else rng.choice(orgs)
            dtype = rng.choice(types)
            batch.append(
                Document(
                    direction=rng.choice(["incoming", "outgoing"]),
                    organization=org,
                    document_type=dtype,
                    number_symbol=f"{rng.randint(1, 999):02d}-{dtype.symbol_part}/TU",
                    summary=rng.choice(texts),
                    sender=rng.choice(senders),
                    secrecy="secret" if rng.random() < 0.02 else "none",
                    status="new",
                )
            )
        Document.objects.bulk_create(batch)
    created = time.monotonic() - started
    started = time.monotonic()
    ids = list(
        Document.objects.order_by("pk").values_list(
            "pk", "summary", "number_symbol", "organization_id", "secrecy"
        )
    )
    index = {t: i for i, t in enumerate(texts)}
    by_id = {o.pk: o for o in orgs}
    entries: list[backends.Entry] = []
    for pk, summary, symbol, org_id, secrecy in ids:
        own = index.get(summary, 0)
        f_tokens, e_tokens = list(folded[own]), list(exact[own])
        for _page in range(rng.randint(1, 3)):
            words = 0
            while words < page_words:
                k = rng.randrange(len(texts))
                f_tokens += folded[k]
                e_tokens += exact[k]
                words += len(folded[k]) or 1
        entries.append(
            backends.Entry(
                document_id=pk,
                folded=f_tokens,
                exact=e_tokens,
                symbol=folded_tokens(symbol),
                sender=folded_tokens(rng.choice(senders)),
                access=access.document_tokens(by_id[org_id].path, by_id[org_id].kind, secrecy),
            )
        )
        if len(entries) == 1000:
            backends.upsert(entries)
            entries = []
    backends.upsert(entries)
    indexed = time.monotonic() - started
    return (
        f"generated: documents created in {created:.0f} s; index written in {indexed:.0f} s "
        f"({n_docs / indexed:.0f} documents/s, text tokenised in the same loop)"
    )


def index_size() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_total_relation_size('search_index')")
            index = int(cursor.fetchone()[0])
            cursor.execute("SELECT pg_database_size(current_database())")
            total = int(cursor.fetchone()[0])
        else:
            cursor.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search_index%'")
            index = int(cursor.fetchone()[0] or 0)
            cursor.execute("PRAGMA page_count")
            pages = int(cursor.fetchone()[0])
            cursor.execute("PRAGMA page_size")
            total = pages * int(cursor.fetchone()[0])
    return f"index {index / 1e6:.0f} MB, whole database {total / 1e6:.0f} MB"


def raw(q: str) -> int:
    """The engine doing the selector's work without the access rules, ranked the engine's own
    way: the same compiled match, the newest RANK_WINDOW matches scored with bm25 (FTS5) or
    ts_rank (PostgreSQL) in the reading statement, then counting on up to the window (ids
    only); no access tokens, no policy probe, no exact-spelling pass, no re-check, no page or
    snippets. (The selector ranks without bm25 on SQLite: docs/search.md.)"""
    from django.db import connection

    from vanthu.search import backends
    from vanthu.search.query import parse

    compiled = backends.compile_query(parse(q))
    col = backends.id_column()
    head = backends.RANK_WINDOW
    ranked = compiled.rank_params or compiled.params
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {col}, {compiled.score} FROM {backends.TABLE} WHERE {compiled.where} "
            f"ORDER BY {col} DESC LIMIT %s",
            [*compiled.score_params, *ranked, head + 1],
        )
        rows = sorted(cursor.fetchall(), key=lambda r: -r[0])
        if len(rows) <= head:
            return len(rows)
        cursor.execute(
            f"SELECT count(*) FROM (SELECT {col} FROM {backends.TABLE} WHERE {compiled.where} "
            f"AND {col} < %s ORDER BY {col} DESC LIMIT %s) AS rest",
            [*compiled.params, rows[head - 1][0], backends.COUNT_CAP - head + 1],
        )
        return head + int(cursor.fetchone()[0])


def main() -> None:
    n_docs = int(os.environ.get("BENCH_SEARCH_DOCS", "100000"))
    n_orgs = int(os.environ.get("BENCH_SEARCH_ORGS", "3000"))
    must_generate = configure(n_docs, n_orgs)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from vanthu.core.enums import Role
    from vanthu.orgs.models import Organization, Position, User
    from vanthu.search.selectors import search_documents

    call_command("migrate", verbosity=0)
    note = "generated earlier (cached)"
    if must_generate:
        note = generate(n_docs, n_orgs, random.Random(2026))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        (Path(os.environ["VANTHU_DATA_DIR"]) / "generated").write_text("ok")
    city = Organization.objects.get(code="TU")
    clerk, fresh_clerk = User.objects.get_or_create(
        username="clerk", defaults={"organization": Organization.objects.get(code="O0")}
    )
    if fresh_clerk:
        Position.objects.create(user=clerk, organization=clerk.organization, role=Role.CLERK)
    leader, fresh_leader = User.objects.get_or_create(
        username="leader", defaults={"organization": city, "clearance": "secret"}
    )
    if fresh_leader:
        Position.objects.create(user=leader, organization=city, role=Role.LEADER)

    print(f"{connection.vendor}, {n_docs} documents, {n_orgs} organisations; {note}")
    print(index_size())
    print()
    print(
        "| query | clerk p50 ms | clerk p95 ms | clerk count "
        "| leader p50 ms | leader p95 ms | leader count | raw engine p50 ms | raw matches |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    all_times: dict[str, list[float]] = {"clerk": [], "leader": [], "raw": []}
    for q in QUERIES:
        row = [f"`{q}`"]
        for name, user in (("clerk", clerk), ("leader", leader)):
            times = []
            shown = ""
            for _ in range(RUNS):
                t = time.perf_counter()
                page = search_documents(user, q, limit=20)
                times.append((time.perf_counter() - t) * 1000)
                shown = str(page.count) if page.count_exact else f"hơn {page.count}"
            all_times[name] += times
            row += [f"{statistics.median(times):.1f}", f"{p95(times):.1f}", shown]
        times = []
        matches = 0
        for _ in range(RUNS):
            t = time.perf_counter()
            matches = raw(q)
            times.append((time.perf_counter() - t) * 1000)
        all_times["raw"] += times
        row += [f"{statistics.median(times):.1f}", str(matches)]
        print("| " + " | ".join(row) + " |")
    print()
    for name, times in all_times.items():
        print(
            f"all queries, {name}: p50 {statistics.median(times):.1f} ms, p95 {p95(times):.1f} ms"
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of the benchmark process: {rss:.0f} MB")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
