"""Search latency through the whole selector, on SQLite FTS5 or PostgreSQL (docs/search.md).

Generates ``BENCH_SEARCH_DOCS`` documents (default 100,000) over ``BENCH_SEARCH_ORGS``
organisations (default 3,000, one city committee above the rest). Summaries are the real trích
yếu of ../shared/data/vbpl_2025_2026 (a built-in list where the folder is absent); each document
also gets 1–3 pages (``BENCH_SEARCH_PAGE_WORDS`` syllables each, default 300) of text made of
other summaries, written into the index in bulk (:func:`generate`: ``backends.append``, one
transaction per chunk; no file rows, no per-document reads). Then, for a clerk of one
organisation and for the city leader, it times 20 typical queries, wall clock and CPU (this
process plus the PostgreSQL server process): ``search_documents`` (count + top 20 + access
re-check + snippets) against the raw engine (the same compiled match, same window, without the
access probe or the page; ``BENCH_SEARCH_RAW=0`` skips it), and on SQLite against Tantivy over
the same entries when the ``bench`` extra is installed (``search_tantivy.py``).

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
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

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


T = TypeVar("T")
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


CHUNK = 5000


def _gin_indexes() -> list[tuple[str, str]]:
    """(name, definition) of the PostgreSQL GIN indexes on the search table."""
    from django.db import connection

    from vanthu.search import backends

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND indexdef LIKE '%%USING gin%%'",
            [backends.TABLE],
        )
        return [(str(n), str(d)) for n, d in cursor.fetchall()]


def generate(n_docs: int, n_orgs: int, rng: random.Random) -> str:
    """Documents and their index entries in bulk: one transaction per chunk of CHUNK documents.

    Each chunk's documents are created with ``bulk_create`` and their entries written with
    ``backends.append`` (COPY on PostgreSQL) in the same transaction. The entries are the
    app's format: the folded and exact tokens of ``core.text`` (each summary tokenised once,
    then concatenated), the symbol, the issuer and the access tokens of ``search/access.py``.
    On PostgreSQL the GIN indexes (as the migrations made them) are dropped for the load and
    built again after it, as a bulk load into any GIN does; their build time counts as
    indexing time.
    """
    from django.db import connection, transaction

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
    org_tokens = {
        (o.pk, s): access.document_tokens(o.path, o.kind, s)
        for o in orgs
        for s in ("none", "secret")
    }
    types = list(DocumentType.objects.all())
    texts = summaries()
    folded = [folded_tokens(t) for t in texts]
    exact = [exact_tokens(t) for t in texts]
    senders = ["Ban Tổ chức Thành ủy", "Văn phòng Thành ủy", "UBND thành phố"]
    sender_tokens = {s: folded_tokens(s) for s in senders}
    page_words = int(os.environ.get("BENCH_SEARCH_PAGE_WORDS", "300"))
    postgres = connection.vendor == "postgresql"
    gin = _gin_indexes() if postgres else []
    with connection.cursor() as cursor:
        for name, _definition in gin:
            cursor.execute(f"DROP INDEX {name}")
    created = indexed = 0.0
    cpu0, server0 = time.process_time(), server_cpu()
    for start in range(0, n_docs, CHUNK):
        t0 = time.monotonic()
        batch, bodies = [], []
        for i in range(start, min(n_docs, start + CHUNK)):
            org = orgs[1] if i % n_orgs == 0 else rng.choice(orgs)
            dtype = rng.choice(types)
            own = rng.randrange(len(texts))
            batch.append(
                Document(
                    direction=rng.choice(["incoming", "outgoing"]),
                    organization=org,
                    document_type=dtype,
                    number_symbol=f"{rng.randint(1, 999):02d}-{dtype.symbol_part}/TU",
                    summary=texts[own],
                    sender=rng.choice(senders),
                    secrecy="secret" if rng.random() < 0.02 else "none",
                    status="new",
                )
            )
            pages = []
            for _page in range(rng.randint(1, 3)):
                words = 0
                while words < page_words:
                    k = rng.randrange(len(texts))
                    pages.append(k)
                    words += len(folded[k]) or 1
            bodies.append((own, pages))
        with transaction.atomic():
            Document.objects.bulk_create(batch)
            t1 = time.monotonic()
            entries = []
            for doc, (own, pages) in zip(batch, bodies, strict=True):
                f_tokens, e_tokens = list(folded[own]), list(exact[own])
                for k in pages:
                    f_tokens += folded[k]
                    e_tokens += exact[k]
                entries.append(
                    backends.Entry(
                        document_id=doc.pk,
                        folded=f_tokens,
                        exact=e_tokens,
                        symbol=folded_tokens(doc.number_symbol),
                        sender=sender_tokens[doc.sender],
                        access=org_tokens[(doc.organization_id, doc.secrecy)],
                    )
                )
            backends.append(entries)
        t2 = time.monotonic()
        created += t1 - t0
        indexed += t2 - t1
        print(f"  {start + len(batch)} documents, index {indexed:.0f} s", file=sys.stderr)
    t0 = time.monotonic()
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("SET maintenance_work_mem = '1GB'")
        for _name, definition in gin:
            cursor.execute(definition)
    built = time.monotonic() - t0
    indexed += built
    cpu = time.process_time() - cpu0
    server = server_cpu() - server0
    gin_note = f", GIN indexes built after the load in {built:.0f} s" if postgres else ""
    return (
        f"generated: documents (and their 1-3 pages of text) created in {created:.0f} s; "
        f"index written in {indexed:.0f} s ({n_docs / indexed:.0f} documents/s, "
        f"entries built in the same loop{gin_note}); CPU time of the whole generation: "
        f"bench process {cpu:.0f} s, PostgreSQL server process {server:.0f} s "
        f"({n_docs / (cpu + server):.0f} documents per CPU-second, creation included)"
    )


def server_cpu() -> float:
    """CPU seconds used so far by this connection's PostgreSQL server process (0 on SQLite,
    which runs in the bench process). The server runs on this machine: /proc has it."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = int(cursor.fetchone()[0])
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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


Times = dict[str, dict[str, list[float]]]


def server_ns() -> int:
    """Nanoseconds on a CPU so far of this connection's PostgreSQL server process (0 on
    SQLite, which runs in the bench process): /proc/<pid>/schedstat, the server is local."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0
    global _SERVER_PID  # one connection for the whole run
    if _SERVER_PID is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            _SERVER_PID = int(cursor.fetchone()[0])
    try:
        return int(Path(f"/proc/{_SERVER_PID}/schedstat").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


_SERVER_PID: int | None = None


def timed(fn: Callable[[], T], into: dict[str, list[float]]) -> T:
    """Run ``fn`` once; add its wall time and its CPU time (this process + the PostgreSQL
    server process), in ms, to ``into``. The CPU time does not grow with the machine's load."""
    server = server_ns()
    cpu = time.process_time()
    wall = time.perf_counter()
    result = fn()
    into.setdefault("wall", []).append((time.perf_counter() - wall) * 1000)
    cpu_ms = (time.process_time() - cpu) * 1000 + (server_ns() - server) / 1e6
    into.setdefault("cpu", []).append(cpu_ms)
    return result


def cells(t: dict[str, list[float]]) -> list[str]:
    return [
        f"{statistics.median(t['wall']):.1f}",
        f"{p95(t['wall']):.1f}",
        f"{statistics.median(t['cpu']):.1f}",
        f"{p95(t['cpu']):.1f}",
    ]


def summary(all_times: Times) -> None:
    for name, t in all_times.items():
        print(
            f"all queries, {name}: wall p50 {statistics.median(t['wall']):.1f} ms, "
            f"p95 {p95(t['wall']):.1f} ms; CPU p50 {statistics.median(t['cpu']):.1f} ms, "
            f"p95 {p95(t['cpu']):.1f} ms"
        )


def tantivy_comparison(clerk: object, leader: object, all_times: Times) -> None:
    """The same queries on Tantivy over the same entries (benchmarks/search_tantivy.py)."""
    try:
        from benchmarks import search_tantivy
    except ImportError:
        print("\nTantivy: not installed (pip install -e .[bench]), comparison skipped")
        return
    from django.db import connection

    from vanthu.core.enums import Secrecy
    from vanthu.search import access, backends

    path = Path(os.environ["VANTHU_DATA_DIR"]) / "tantivy"
    done = path / "built.txt"
    if not done.exists():
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, folded, exact, symbol, sender, access FROM {backends.TABLE} "
                "ORDER BY rowid"
            )
            cpu = time.process_time()
            n, seconds = search_tantivy.build(path, iter(cursor.fetchone, None))
            cpu = time.process_time() - cpu
        size = search_tantivy.size(path)
        done.write_text(
            f"Tantivy index: {n} documents in {seconds:.0f} s ({n / seconds:.0f} documents/s, "
            f"one writer thread; {cpu:.0f} CPU-seconds with reading the entries back from "
            f"SQLite, {n / cpu:.0f} documents per CPU-second), {size / 1e6:.0f} MB on disk"
        )
    print()
    print(done.read_text())
    engine = search_tantivy.Engine(path)
    users = {}
    for name, user in (("clerk", clerk), ("leader", leader)):
        levels = [Secrecy.NONE, *access.user_classified_levels(user)]  # type: ignore[arg-type]
        users[name] = (
            access.any_of(access.user_scope_tokens(user)),  # type: ignore[arg-type]
            [access.secrecy_token(level) for level in levels],
        )
    print()
    print(
        "| query | Tantivy clerk p50 ms | p95 ms | CPU p50 ms | CPU p95 ms | count "
        "| Tantivy leader p50 ms | p95 ms | CPU p50 ms | CPU p95 ms | count |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    tantivy_times: Times = {"tantivy clerk": {}, "tantivy leader": {}}
    for q in QUERIES:
        row = [f"`{q}`"]
        for name in ("clerk", "leader"):
            tokens, secrecy = users[name]
            t: dict[str, list[float]] = {}
            count = 0
            for _ in range(RUNS):
                count, _ids = timed(lambda: engine.search(q, tokens, secrecy), t)  # noqa: B023
            for key, values in t.items():
                tantivy_times[f"tantivy {name}"].setdefault(key, []).extend(values)
            row += [*cells(t), str(count)]
        print("| " + " | ".join(row) + " |")
    print()
    summary(tantivy_times)
    all_times.update(tantivy_times)


def main() -> None:
    n_docs = int(os.environ.get("BENCH_SEARCH_DOCS", "100000"))
    n_orgs = int(os.environ.get("BENCH_SEARCH_ORGS", "3000"))
    with_raw = os.environ.get("BENCH_SEARCH_RAW", "1") == "1"
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
        (Path(os.environ["VANTHU_DATA_DIR"]) / "generated").write_text(note)
    else:
        note += ": " + (Path(os.environ["VANTHU_DATA_DIR"]) / "generated").read_text()
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
    print(f"load average at the start: {os.getloadavg()[0]:.1f}")
    print()
    print(
        "| query | clerk p50 ms | clerk p95 ms | clerk CPU p50 ms | clerk CPU p95 ms | clerk count "
        "| leader p50 ms | leader p95 ms | leader CPU p50 ms | leader CPU p95 ms | leader count "
        "| raw p50 ms | raw p95 ms | raw CPU p50 ms | raw CPU p95 ms | raw matches |"
    )
    print("|---|" + "---|" * 15)
    all_times: Times = {"clerk": {}, "leader": {}, "raw": {}}
    for q in QUERIES:
        row = [f"`{q}`"]
        for name, user in (("clerk", clerk), ("leader", leader)):
            t: dict[str, list[float]] = {}
            shown = ""
            for _ in range(RUNS):
                page = timed(lambda: search_documents(user, q, limit=20), t)  # noqa: B023
                shown = str(page.count) if page.count_exact else f"hơn {page.count}"
            for key, values in t.items():
                all_times[name].setdefault(key, []).extend(values)
            row += [*cells(t), shown]
        if with_raw:
            t = {}
            matches = 0
            for _ in range(RUNS):
                matches = timed(lambda: raw(q), t)  # noqa: B023
            for key, values in t.items():
                all_times["raw"].setdefault(key, []).extend(values)
            row += [*cells(t), str(matches)]
        else:
            row += ["–"] * 5
        print("| " + " | ".join(row) + " |", flush=True)
    print()
    if not with_raw:
        del all_times["raw"]
    summary(all_times)
    if connection.vendor == "sqlite":
        tantivy_comparison(clerk, leader, all_times)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of the benchmark process: {rss:.0f} MB")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
