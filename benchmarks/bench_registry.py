"""Registry speed (issue 3): registration throughput over HTTP, and lists at scale.

1. A fresh PostgreSQL database ``vanthu_bench_<pid>``, ``migrate``, one committee with a clerk
   and a token; gunicorn ``vanthu.wsgi`` on loopback; ``BENCH_REGISTRY_CLIENTS`` threads (32)
   POST ``/api/v1/incoming/`` until ``BENCH_REGISTRY_COUNT`` (3,000) are registered. Reports
   registrations/s and p50/p95/p99, then checks the arrival numbers are exactly 1..N.
2. ``pgbench`` on a scratch database: single-row INSERTs, same client count, for comparison.
3. ``BENCH_REGISTRY_DOCS`` (200,000; the documented run used 1,000,000) incoming documents for
   the same organisation by ``INSERT ... SELECT generate_series``; then the API list (first page,
   deep pages by number and by ``?after=`` cursor, filters), the capped count, the selectors,
   the web list (urgent first) and the inbox are timed, with EXPLAIN plans.
4. ``BENCH_REGISTRY_OUTGOING`` (100,000) outgoing documents of the committee: the sổ đi web
   list's page 1 and page 1,000 by number and by cursor (``?after=`` / ``?before=``).

Run: ``.venv/bin/python -m benchmarks bench_registry``. Scratch databases are dropped at the end.
"""

from __future__ import annotations

import functools
import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
COUNT = int(os.environ.get("BENCH_REGISTRY_COUNT", "3000"))
CLIENTS = int(os.environ.get("BENCH_REGISTRY_CLIENTS", "32"))
WORKERS = int(os.environ.get("BENCH_REGISTRY_WORKERS", "4"))
WORKER_CLASS = os.environ.get("BENCH_REGISTRY_WORKER_CLASS", "sync")
THREADS = int(os.environ.get("BENCH_REGISTRY_THREADS", "1"))
DOCS = int(os.environ.get("BENCH_REGISTRY_DOCS", "200000"))
# Outgoing documents of the same committee (văn bản đi), for the sổ đi list's deep pages.
OUTGOING_DOCS = int(os.environ.get("BENCH_REGISTRY_OUTGOING", "100000"))
REPEAT = int(os.environ.get("BENCH_REGISTRY_REPEAT", "15"))
PGBENCH_SECONDS = int(os.environ.get("BENCH_PGBENCH_SECONDS", "20"))
PLANS = os.environ.get("BENCH_REGISTRY_PLANS", "1") == "1"
# Keep the bench database for manual EXPLAIN work (drop it yourself afterwards).
KEEP = os.environ.get("BENCH_REGISTRY_KEEP", "") == "1"
# N > 0: profile N registrations in process (pyinstrument, full middleware stack) and stop.
PROFILE = int(os.environ.get("BENCH_REGISTRY_PROFILE", "0"))
# A database kept by an earlier run (BENCH_REGISTRY_KEEP=1): only the lists are measured again,
# without registering or generating anything, and the database is kept.
REUSE = os.environ.get("BENCH_REGISTRY_REUSE", "")
YEARS = [str(y) for y in range(2016, 2026)]  # the bulk documents; the HTTP ones are this year


def psql(sql: str, db: str = "postgres") -> str:
    out = subprocess.run(
        ["psql", f"{PG_URL}/{db}", "-v", "ON_ERROR_STOP=1", "-qAtc", sql],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def summary_ms(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return f"p50 {pct(ms, 50):.1f} ms, p95 {pct(ms, 95):.1f} ms, p99 {pct(ms, 99):.1f} ms"


# --- set-up ---------------------------------------------------------------------------------


def setup_django(db: str, data_dir: str) -> None:
    os.environ["DATABASE_URL"] = f"{PG_URL}/{db}"
    os.environ["VANTHU_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "vanthu.settings"
    sys.path[:0] = [str(ROOT / "src")]
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def create_people() -> dict[str, Any]:
    """One committee, its clerk (with a token), a specialist for the inbox: via the services."""
    from rest_framework.authtoken.models import Token

    from vanthu.core.enums import OrgKind, Role
    from vanthu.orgs import services
    from vanthu.orgs.models import User

    admin = User.objects.create_superuser(
        username="bench-admin", password=secrets.token_urlsafe(16)
    )
    org = services.create_organization(
        actor=admin, code="TU", name="Thành ủy", symbol="TU", kind=OrgKind.COMMITTEE, parent=None
    )
    clerk = services.create_user(
        actor=admin,
        username="vanthu",
        password=secrets.token_urlsafe(16),
        full_name="Nguyễn Thị Văn Thư",
        organization=org,
        roles=[Role.CLERK],
    )
    specialist = services.create_user(
        actor=admin,
        username="chuyenvien",
        password=secrets.token_urlsafe(16),
        full_name="Trần Văn Chuyên",
        organization=org,
        roles=[Role.SPECIALIST],
    )
    return {
        "admin": admin,
        "org": org,
        "clerk": clerk,
        "specialist": specialist,
        "token": Token.objects.create(user=clerk).key,
    }


def kept_people() -> dict[str, Any]:
    """The people ``create_people`` made in a kept database."""
    from rest_framework.authtoken.models import Token

    from vanthu.orgs.models import User

    clerk = User.objects.get(username="vanthu")
    return {
        "org": clerk.organization,
        "clerk": clerk,
        "specialist": User.objects.get(username="chuyenvien"),
        "token": Token.objects.get(user=clerk).key,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_gunicorn(port: int) -> subprocess.Popen[bytes]:
    args = [str(BIN / "gunicorn"), "vanthu.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(WORKERS)]
    args += ["--worker-class", WORKER_CLASS, "--threads", str(THREADS), "--backlog", "256"]
    # A worker importing the app on a busy shared machine can take longer than the default 30 s.
    args += ["--timeout", "120"]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    # gunicorn's own log (start-up errors) goes to the data folder, printed if it never answers.
    log = open(Path(os.environ["VANTHU_DATA_DIR"]) / "gunicorn.log", "wb")  # noqa: SIM115
    return subprocess.Popen(args, cwd=ROOT, env=env, stderr=log)


def request(
    conn: http.client.HTTPConnection, method: str, path: str, token: str, body: Any = None
) -> tuple[int, bytes]:
    headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    for attempt in (1, 2):
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            return response.status, response.read()
        except (ConnectionError, http.client.RemoteDisconnected, http.client.CannotSendRequest):
            # A sync worker closes the connection after each answer: reconnect once.
            conn.close()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def wait_ready(port: int, token: str) -> None:
    # Generous: on a machine shared with test runs, four workers importing Django take a while.
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            if request(conn, "GET", "/api/v1/incoming/?page_size=1", token)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    log = Path(os.environ["VANTHU_DATA_DIR"]) / "gunicorn.log"
    print(log.read_text(errors="replace")[-3000:] if log.exists() else "(no gunicorn log)")
    raise RuntimeError("gunicorn did not answer within 240 s")


# --- 1. registration throughput --------------------------------------------------------------


def server_cpu_seconds(master: int) -> float:
    """User + system CPU of gunicorn's workers so far (Linux /proc): the cost of a request that
    other load on a shared machine does not inflate the way it inflates wall-clock time."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return 0.0
    for pid in [str(master), *children]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def postgres_cpu_seconds() -> float:
    """User + system CPU so far of the PostgreSQL backends serving the bench database's clients
    (gunicorn's connections are persistent, CONN_MAX_AGE), less this process's own: the
    database's share of a registration, which the 10 ms budget includes (docs/benchmarks.md)."""
    pids = psql_bench(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
        "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
    ).split()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        own = str(cursor.fetchone()[0])
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        if pid == own:
            continue
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the server on another machine, or the backend just ended
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def register_over_http(port: int, token: str) -> dict[str, Any]:
    lock = threading.Lock()
    issued = [0]
    latencies: list[float] = []
    failures: list[str] = []

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if issued[0] >= COUNT:
                    break
                issued[0] += 1
                i = issued[0]
            body = registration_body(i)
            t0 = time.perf_counter()
            status, data = request(conn, "POST", "/api/v1/incoming/", token, body)
            elapsed = time.perf_counter() - t0
            with lock:
                latencies.append(elapsed)
                if status != 201:
                    failures.append(f"{status} {data[:200]!r}")
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {"wall": wall, "latencies": latencies, "failures": failures}


def check_gapless(org_id: int) -> tuple[int, int, int, int]:
    """(rows, distinct numbers, min, max) of the organisation's incoming documents."""
    row = psql_bench(
        "SELECT count(*), count(DISTINCT number), min(number), max(number) "  # noqa: S608 (integers and constants of this script)
        f"FROM registry_document WHERE organization_id = {org_id} AND direction = 'incoming'"
    )
    n, distinct, lo, hi = (int(x or 0) for x in row.split("|"))
    return n, distinct, lo, hi


BENCH_DB = ""


def psql_bench(sql: str) -> str:
    return psql(sql, BENCH_DB)


def registration_body(i: int) -> dict[str, Any]:
    return {
        "sender": "Ủy ban nhân dân tỉnh",
        "number_symbol": f"{i}/UBND-VP",
        "document_type": "CV",
        "issued_date": time.strftime("%Y-%m-%d"),
        "summary": f"Về việc triển khai nhiệm vụ chuyển đổi số, lần {i}",
        "signer": "Lê Văn Ký",
        "urgency": "normal",
        "page_count": 2,
    }


def profile_registrations(token: str, n: int) -> None:
    """``n`` POSTs through Django's test client (all middleware, token auth) under pyinstrument.

    Search indexing runs as it does in production: queued on commit, done by a worker; here the
    queue is not drained, so the profile is the request alone.
    """
    from django.test import Client
    from pyinstrument import Profiler

    client = Client(HTTP_AUTHORIZATION=f"Token {token}")

    def post(i: int) -> None:
        response = client.post(
            "/api/v1/incoming/", registration_body(i), content_type="application/json"
        )
        assert response.status_code == 201, response.content[:300]

    for i in range(5):  # warm-up: imports, first register and counter rows
        post(i)
    from django.db import connection

    statements: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        post(5)
    print(f"SQL statements in one registration: {len(statements)}")
    profiler = Profiler(interval=0.0005)
    t0 = time.perf_counter()
    with profiler:
        for i in range(6, 6 + n):
            post(i)
    took = time.perf_counter() - t0
    print(f"{n} registrations in process: {took / n * 1000:.1f} ms each (with the profiler)")
    print(profiler.output_text(unicode=True, color=False, show_all=False))


# --- 2. pgbench -----------------------------------------------------------------------------


def run_pgbench() -> str:
    db = f"vanthu_pgbench_{os.getpid()}"
    psql(f"CREATE DATABASE {db}")
    try:
        url = f"{PG_URL}/{db}"
        subprocess.run(["pgbench", "-i", "-q", "-s", "1", url], check=True, capture_output=True)
        with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
            script.write(
                "\\set aid random(1, 100000)\n\\set delta random(-5000, 5000)\n"
                "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) "
                "VALUES (1, 1, :aid, :delta, CURRENT_TIMESTAMP);\n"
            )
        args = ["pgbench", "-n", "-f", script.name, "-c", str(CLIENTS), "-j", "2"]
        args += ["-T", str(PGBENCH_SECONDS), "-r", url]
        out = subprocess.run(
            args,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        os.unlink(script.name)
        return out
    finally:
        psql(f"DROP DATABASE IF EXISTS {db}")


# --- 3. lists at scale ----------------------------------------------------------------------


def generate_incoming(people: dict[str, Any], n: int) -> float:
    """``generate`` ``n`` incoming documents (type CV) into the committee's default ordinary
    register; the seconds it took."""
    from vanthu.orgs.models import DocumentType
    from vanthu.registry.models import Direction, Register
    from vanthu.registry.numbering import default_register

    register = default_register(
        organization=people["org"], direction=Direction.INCOMING, series=Register.Series.ORDINARY
    )
    cv = DocumentType.objects.get(code="CV")
    return generate(people["org"].pk, register.pk, cv.pk, people["specialist"].pk, n)


def generate(org_id: int, register_id: int, type_id: int, specialist_id: int, n: int) -> float:
    """``n`` incoming documents over YEARS, numbered 1..k per year, plus assignments."""
    per_year = -(-n // len(YEARS))
    t0 = time.perf_counter()
    for y, year in enumerate(YEARS):
        lo, hi = y * per_year + 1, min(n, (y + 1) * per_year)
        if lo > hi:
            break
        psql_bench(
            "INSERT INTO registry_document (direction, organization_id, register_id, number,"  # noqa: S608 (integers and constants of this script)
            " period_key, counter_type_key, number_symbol, document_type_id, issued_date, summary,"
            " signer, secrecy, urgency, received_at, page_count, channel, sender, status, notes,"
            " created_by_id, created_at, updated_at) "
            f"SELECT 'incoming', {org_id}, {register_id}, i - {lo} + 1, '{year}', 0,"
            " i || '/UBND-VP', "
            f"{type_id}, date '{year}-01-01' + (i % 360), "
            " (ARRAY['Về việc triển khai chuyển đổi số', 'Về công tác cán bộ',"
            " 'Về kế hoạch kiểm tra, giám sát', 'Về ngân sách nhà nước năm',"
            " 'Về quy định phòng chống tham nhũng'])[1 + i % 5] || ' số ' || i,"
            " 'Lê Văn Ký', 'none', (ARRAY['normal','normal','normal','urgent'])[1 + i % 4],"
            f" timestamptz '{year}-01-01 08:00+07' + (i % 360) * interval '1 day', 2, 'paper',"
            " 'Ủy ban nhân dân tỉnh',"
            " CASE WHEN i % 100 < 85 THEN 'done' WHEN i % 100 < 93 THEN 'in_progress'"
            "  WHEN i % 100 < 96 THEN 'awaiting_direction' ELSE 'new' END, '',"
            f" NULL, now(), now() FROM generate_series({lo}, {hi}) AS i"
        )
        psql_bench(
            "INSERT INTO registry_counter (register_id, period_key, type_key, last_number) "  # noqa: S608 (integers and constants of this script)
            f"VALUES ({register_id}, '{year}', 0, {hi - lo + 1})"
        )
    # One open assignment in 200 documents for the specialist's inbox.
    psql_bench(
        "INSERT INTO registry_assignment (document_id, user_id, role, deadline, note,"  # noqa: S608 (integers and constants of this script)
        " assigned_by_id, assigned_at, done_at) "
        f"SELECT id, {specialist_id}, 'lead', received_at::date + 10, '', {specialist_id}, now(),"
        f" NULL FROM registry_document WHERE organization_id = {org_id} AND id % 200 = 0"
    )
    psql_bench("VACUUM ANALYZE registry_document")
    psql_bench("VACUUM ANALYZE registry_assignment")
    return time.perf_counter() - t0


def generate_outgoing(people: dict[str, Any], n: int) -> float:
    """``n`` issued outgoing documents (type CV) of the committee, one a minute back from now
    (a few share a minute's start, so the order's ties are broken by id); the seconds it took."""
    from vanthu.orgs.models import DocumentType

    cv = DocumentType.objects.get(code="CV")
    org_id, author = people["org"].pk, people["specialist"].pk
    t0 = time.perf_counter()
    psql_bench(
        "INSERT INTO registry_document (direction, organization_id, register_id, number,"  # noqa: S608 (integers and constants of this script)
        " period_key, counter_type_key, number_symbol, document_type_id, issued_date, summary,"
        " signer, secrecy, urgency, received_at, page_count, channel, sender, status, notes,"
        " created_by_id, created_at, updated_at) "
        f"SELECT 'outgoing', {org_id}, NULL, NULL, '', 0, '', {cv.pk}, NULL,"
        " 'Về việc trả lời công văn số ' || i, 'Nguyễn Văn Ký', 'none', 'normal', NULL, 1,"
        f" 'paper', 'Thành ủy', CASE WHEN i % 10 = 0 THEN 'draft' ELSE 'sent' END, '', {author},"
        " now() - (i / 3) * interval '1 minute', now() - (i / 3) * interval '1 minute'"
        f" FROM generate_series(1, {n}) AS i"
    )
    psql_bench("VACUUM ANALYZE registry_document")
    return time.perf_counter() - t0


def outgoing_pages(people: dict[str, Any]) -> None:
    """The sổ đi web list (views.outgoing): page 1, page 1,000 by number (OFFSET, as a numbered
    page would read it) and by cursor both ways (views.urgent_pages.OUTGOING), with plans."""
    from vanthu.registry import selectors
    from vanthu.registry.views import urgent_pages

    clerk = people["clerk"]
    qs = selectors.outgoing_list(clerk)
    listing = urgent_pages.Listing(urgent_pages.OneBlock(qs), urgent_pages.OUTGOING)
    print(f"\noutgoing documents visible to the clerk: {capped_count(qs):,} (capped count)")
    edge = listing.rows[49949:50001]
    if len(edge) < 52:
        print("fewer than 50,001 outgoing documents: no page 1,000")
        return
    at, behind = listing.order.position(edge[0]), listing.order.position(edge[-1])
    cases = {
        "page 1 rows": lambda: listing.rows[0:50],
        "page 1,000 by number (OFFSET 49,950)": lambda: listing.rows[49950:50000],
        "page 1,000 by cursor (Trang sau)": lambda: urgent_pages.page_after(listing, at, 50),
        "page 1,000 by cursor (Trang trước)": lambda: urgent_pages.page_before(listing, behind, 50),
    }
    for label, fn in cases.items():
        t0 = time.process_time()
        wall = timed(fn, max(3, REPEAT // 3) if "OFFSET" in label else REPEAT)
        cpu = (time.process_time() - t0) / (len(wall) + 1) * 1000
        print(f"| sổ đi web list {label} | {summary_ms(wall)} | Python CPU {cpu:.1f} ms |")
    if PLANS:
        after = next(urgent_pages.OUTGOING.after(qs, at.key))
        print("\nEXPLAIN ANALYZE, sổ đi page 1,000 by cursor:\n" + explain(after[:51]))


def timed(fn: Callable[[], object], repeat: int = REPEAT) -> list[float]:
    fn()  # warm the caches: the figures are for a running server
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def page(qs: Any, offset: int) -> list[Any]:
    """One page of 50, from a fresh slice each call (a QuerySet caches what it read)."""
    return list(qs[offset : offset + 50])


def explain(qs: Any, count: bool = False) -> str:
    from django.db import connection

    sql, params = qs.query.sql_with_params()
    if count:
        sql = f"SELECT count(*) FROM ({sql}) AS counted"  # noqa: S608 (integers and constants of this script)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS OFF, COSTS OFF) {sql}", params)
        return "\n".join(r[0] for r in cursor.fetchall())


def capped_count(qs: Any) -> int:
    """The count the lists answer with (exact up to COUNT_LIMIT, registry.paging)."""
    from vanthu.registry.paging import CappedCountPaginator

    return int(CappedCountPaginator(qs, 50).count)


def lists_at_scale(port: int, people: dict[str, Any]) -> None:
    from vanthu.registry import keyset, selectors
    from vanthu.registry.views import reads

    clerk, specialist, token = people["clerk"], people["specialist"], people["token"]
    plain = selectors.incoming_list(clerk)
    total = plain.count()
    middle_row = plain[total // 2]
    middle = keyset.INCOMING.cursor(middle_row)
    deep = max(1, total // 50 // 2)
    print(f"\nincoming documents visible to the clerk: {total:,}")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    print("\nAPI (one client, sequential, through gunicorn; each answer has its capped count):")
    for label, path in [
        ("page 1", "/api/v1/incoming/"),
        ("page 2", "/api/v1/incoming/?page=2"),
        (f"page {deep:,} (middle, by number)", f"/api/v1/incoming/?page={deep}"),
        (f"after= at row {total // 2:,} (middle, by cursor)", f"/api/v1/incoming/?after={middle}"),
        ("year=2020 page 1", "/api/v1/incoming/?year=2020"),
        ("status=new page 1", "/api/v1/incoming/?status=new"),
        ("q=tham nhũng page 1", "/api/v1/incoming/?q=tham%20nh%C5%A9ng"),
        ("q=123456/UBND page 1", "/api/v1/incoming/?q=123456/UBND"),
    ]:

        def get(path: str = path) -> None:
            status, _ = request(conn, "GET", path, token)
            assert status == 200, status

        repeat = max(3, REPEAT // 3) if "middle, by number" in label else REPEAT
        print(f"| {label} | {summary_ms(timed(get, repeat))} |")

    print("\nselectors (in process; capped count and one page of 50 timed apart):")
    cases: list[tuple[str, Any]] = [
        ("incoming_list()", plain),
        ("incoming_list(year=2020)", selectors.incoming_list(clerk, year="2020")),
        ("incoming_list(status=new)", selectors.incoming_list(clerk, status="new")),
        ("incoming_list(q=tham nhũng)", selectors.incoming_list(clerk, q="tham nhũng")),
        ("incoming_list(q=123456/UBND)", selectors.incoming_list(clerk, q="123456/UBND")),
    ]
    for label, qs in cases:
        count_t = timed(functools.partial(capped_count, qs))
        first = timed(functools.partial(page, qs, 0))
        after = timed(functools.partial(page, keyset.INCOMING.filter(qs, middle), 0))
        print(
            f"| {label} | count {capped_count(qs):,} {summary_ms(count_t)} | first page "
            f"{summary_ms(first)} | after the middle cursor {summary_ms(after)} |"
        )
    inbox = timed(lambda: reads.inbox(specialist))
    print(f"| inbox(specialist) | {summary_ms(inbox)} |")
    web = reads.incoming_page(clerk, year="", status="", urgency="", q="")
    print(f"| web list (urgent first) page 1 rows | {summary_ms(timed(lambda: web[0:50]))} |")
    deep_web = summary_ms(timed(lambda: web[49950:50000], max(1, REPEAT // 5)))
    print(f"| web list (urgent first) page 1,000 rows, by number | {deep_web} |")
    # The same page by cursor (views.urgent_pages): after the row before it, and back from the
    # row after it; both read on the blocks' indexes from the cursor's position.
    from vanthu.registry.views import urgent_pages

    edge = web[49949:50001]
    listing = urgent_pages.Listing(web, urgent_pages.INCOMING)
    at, behind = listing.order.position(edge[0]), listing.order.position(edge[-1])
    forward = timed(lambda: urgent_pages.page_after(listing, at, 50))
    backward = timed(lambda: urgent_pages.page_before(listing, behind, 50))
    print(f"| web list page 1,000 by cursor (Trang sau) | {summary_ms(forward)} |")
    print(f"| web list page 1,000 by cursor (Trang trước) | {summary_ms(backward)} |")
    print(f"| web list count (capped) | {summary_ms(timed(lambda: capped_count(web.base)))} |")
    if PLANS:
        for label, qs in [
            ("API list page 1", plain[:50]),
            ("after the middle cursor", keyset.INCOMING.filter(plain, middle)[:50]),
            ("year=2020 page 1", selectors.incoming_list(clerk, year="2020")[:50]),
            ("status=new page 1", selectors.incoming_list(clerk, status="new")[:50]),
            ("q=tham nhũng page 1", selectors.incoming_list(clerk, q="tham nhũng")[:50]),
            ("q=123456/UBND page 1", selectors.incoming_list(clerk, q="123456/UBND")[:50]),
            ("web list, first urgent block", web.blocks[-2][:50]),
        ]:
            print(f"\nEXPLAIN ANALYZE, {label}:\n" + explain(qs))
        # The capped count as the paginator asks it (registry.paging: no ORDER BY), per filter.
        for label, qs in cases:
            counted = qs.order_by().values("pk")[:10001]
            print(f"\nEXPLAIN ANALYZE, capped count, {label}:\n" + explain(counted, count=True))


# --- main -----------------------------------------------------------------------------------


def main() -> None:
    global BENCH_DB
    BENCH_DB = REUSE or f"vanthu_bench_{os.getpid()}"
    if not REUSE:
        psql(f"CREATE DATABASE {BENCH_DB}")
    server: subprocess.Popen[bytes] | None = None
    try:
        with tempfile.TemporaryDirectory(prefix="bench-registry-") as data_dir:
            setup_django(BENCH_DB, data_dir)
            if REUSE:
                people = kept_people()
                port = free_port()
                server = start_gunicorn(port)
                wait_ready(port, people["token"])
                print(f"load average at the start: {os.getloadavg()[0]:.1f}")
                lists_at_scale(port, people)
                outgoing_pages(people)
                print(f"load average at the end: {os.getloadavg()[0]:.1f}")
                return
            people = create_people()
            if PROFILE:
                profile_registrations(people["token"], PROFILE)
                return
            port = free_port()
            server = start_gunicorn(port)
            wait_ready(port, people["token"])
            print(
                f"gunicorn {WORKERS} x {WORKER_CLASS} (threads {THREADS}), {CLIENTS} clients, "
                f"{COUNT:,} registrations"
            )
            print(f"load average at the start: {os.getloadavg()[0]:.1f}")
            cpu0 = server_cpu_seconds(server.pid)
            # Backends that connect during the run count from their start (a few warm-up
            # requests at most): an upper bound.
            db0 = postgres_cpu_seconds()
            result = register_over_http(port, people["token"])
            cpu = server_cpu_seconds(server.pid) - cpu0
            db_cpu = postgres_cpu_seconds() - db0
            rate = COUNT / result["wall"]
            print(f"registered {COUNT:,} in {result['wall']:.1f} s: {rate:.1f} registrations/s")
            print(f"gunicorn CPU: {cpu / COUNT * 1000:.1f} ms per registration")
            print(f"PostgreSQL backends' CPU: {db_cpu / COUNT * 1000:.1f} ms per registration")
            print(f"load average at the end: {os.getloadavg()[0]:.1f}")
            print(f"latency {summary_ms(result['latencies'])}")
            print(f"failures: {len(result['failures'])} {result['failures'][:3]}")
            n, distinct, lo, hi = check_gapless(people["org"].pk)
            ok = n == distinct == COUNT and lo == 1 and hi == COUNT
            print(f"numbers: {n} rows, {distinct} distinct, {lo}..{hi}: {'OK' if ok else 'GAPS'}")
            out = run_pgbench()
            tps = next(
                (
                    float(line.split("=")[1].split()[0])
                    for line in out.splitlines()
                    if line.startswith("tps")
                ),
                0.0,
            )
            latency = next((line for line in out.splitlines() if "latency average" in line), "")
            print(
                f"pgbench INSERT, {CLIENTS} clients, {PGBENCH_SECONDS} s: {tps:.0f} tps; {latency}"
            )
            if tps:
                print(f"ratio registrations/s : pgbench inserts/s = 1 : {tps / rate:.0f}")
            if DOCS:
                took = generate_incoming(people, DOCS)
                print(f"\ngenerated {DOCS:,} documents in {took:.0f} s")
                lists_at_scale(port, people)
            if OUTGOING_DOCS:
                took = generate_outgoing(people, OUTGOING_DOCS)
                print(f"\ngenerated {OUTGOING_DOCS:,} outgoing documents in {took:.0f} s")
                outgoing_pages(people)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        from django.db import connections

        connections.close_all()
        if KEEP or REUSE:
            print(f"kept database {BENCH_DB}")
        else:
            psql(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


if __name__ == "__main__":
    main()
