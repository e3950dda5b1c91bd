"""Home-page dashboard at city scale (issue 10: "dashboard for a city-level user over 1,000,000
documents under 300 ms").

For each backend in ``BENCH_DASHBOARD_BACKENDS`` (``sqlite,postgres``; PostgreSQL is skipped when
it does not answer), in a fresh process and a fresh database:

1. Set-up through the services: a city committee (Thành ủy) and 59 subordinate committees
   (Đảng bộ 01–59), a leader of the city (clearance ``secret``) and a clerk of Đảng bộ 01.
2. ``BENCH_DASHBOARD_DOCS`` (1,000,000) numbered documents spread evenly over the 60
   organisations and ten years up to today (70 % incoming, 30 % outgoing, 2 % classified of
   which half presented to the city leader; statuses done / in progress / awaiting direction /
   new, some past their deadline), plus a lead assignment for every incoming document of this
   year (done ones with their completion time, a fifth of them late; the clerk's for Đảng bộ
   01, a city specialist's for the rest). Written in bulk: SQLite
   ``executemany``, PostgreSQL ``COPY``, then ``ANALYZE``.
   The counter cells of the dashboard (``reports.summary``) are then rebuilt from the
   documents, as ``vanthu rebuild-counts`` does after an upgrade (timed).
3. In-process timings, each ``BENCH_DASHBOARD_REPEAT`` (15) times, p50/p95:
   - the year's figures computed afresh (``reports.dashboard.dashboard`` with the cache
     cleared before each call): the cost of a first visit, or of the first visit after a
     change;
   - ``GET /`` (Django's test ``Client``, full middleware and template) for the city leader
     and for the clerk, cache warm: what a user sees on every other visit;
   - one registration through the service in Đảng bộ 07, then the leader's first ``GET /``
     (the cached figures are invalidated by the new audit chain head and recomputed from the
     counter cells, which the registration updated in its own transaction).

Run: ``.venv/bin/python -m benchmarks bench_dashboard``. Scratch databases are removed at the end,
unless ``BENCH_DASHBOARD_KEEP=1``: then the data folder and the PostgreSQL database are kept and
named on the output, for profiling by hand (``VANTHU_DATA_DIR`` and ``DATABASE_URL`` pointing at
them; docs/reports.md, "Speed", says what was profiled). ``BENCH_DASHBOARD_FRESH_REPEAT`` (5):
how many times the fresh figures are computed.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
DOCS = int(os.environ.get("BENCH_DASHBOARD_DOCS", "1000000"))
REPEAT = int(os.environ.get("BENCH_DASHBOARD_REPEAT", "15"))
FRESH_REPEAT = int(os.environ.get("BENCH_DASHBOARD_FRESH_REPEAT", "5"))
BACKENDS = os.environ.get("BENCH_DASHBOARD_BACKENDS", "sqlite,postgres").split(",")
COMMITTEES = 59
YEARS = 10
BATCH = 20000


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def ms(values: list[float]) -> dict[str, float]:
    v = [x * 1000 for x in values]
    return {"p50": round(pct(v, 50), 1), "p95": round(pct(v, 95), 1), "n": len(v)}


def timed(
    fn: Callable[[], Any], repeat: int = REPEAT, before: Callable[[], Any] | None = None
) -> list[float]:
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


# --- one backend, in its own process --------------------------------------------------------


def setup_django(backend: str, data_dir: str, reuse_db: str | None = None) -> str | None:
    os.environ["VANTHU_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "vanthu.settings"
    os.environ.setdefault("VANTHU_OTP_REQUIRED_CLEARANCE", "top_secret")
    db = None
    if backend == "postgres":
        db = reuse_db or f"vanthu_bench_dashboard_{os.getpid()}"
        if not reuse_db:
            create = f"CREATE DATABASE {db}"
            subprocess.run(["psql", f"{PG_URL}/postgres", "-qc", create], check=True)
        os.environ["DATABASE_URL"] = f"{PG_URL}/{db}"
    else:
        os.environ.pop("DATABASE_URL", None)
    sys.path[:0] = [str(ROOT / "src")]
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return db


def people() -> dict[str, Any]:
    from vanthu.core.enums import OrgKind, Role
    from vanthu.orgs import services
    from vanthu.orgs.models import User

    admin = User.objects.create_superuser(username="bench", password=secrets.token_urlsafe(16))
    city = services.create_organization(
        actor=admin, code="TU", name="Thành ủy", symbol="TU", kind=OrgKind.COMMITTEE, parent=None
    )
    committees = [
        services.create_organization(
            actor=admin,
            code=f"DB{i:02d}",
            name=f"Đảng bộ {i:02d}",
            symbol=f"ĐB{i:02d}",
            kind=OrgKind.COMMITTEE,
            parent=city,
        )
        for i in range(1, COMMITTEES + 1)
    ]

    def user(name: str, org: Any, role: str) -> User:
        return services.create_user(
            actor=admin,
            username=name,
            password=secrets.token_urlsafe(16),
            full_name=name,
            organization=org,
            roles=[role],
            clearance="secret",
        )

    return {
        "city": city,
        "committees": committees,
        "leader": user("bithu", city, Role.LEADER),
        "clerk": user("vanthu_db01", committees[0], Role.CLERK),
        # Holds the lead of every other organisation's documents (not measured).
        "specialist": user("chuyenvien", city, Role.SPECIALIST),
    }


def kept_people() -> dict[str, Any]:
    """The people of a kept database (``BENCH_DASHBOARD_REUSE_*``), as ``people()`` made them."""
    from vanthu.orgs.models import Organization, User

    return {
        "city": Organization.objects.get(code="TU"),
        "committees": list(
            Organization.objects.filter(code__startswith="DB").order_by("code")[:COMMITTEES]
        ),
        "leader": User.objects.get(username="bithu"),
        "clerk": User.objects.get(username="vanthu_db01"),
        "specialist": User.objects.get(username="chuyenvien"),
    }


def _context(p: dict[str, Any]) -> dict[str, Any]:
    """Everything the row generator needs, read before the bulk write starts (no query may
    run on the connection while a COPY is open)."""
    from vanthu.orgs.models import DocumentType
    from vanthu.registry.numbering import default_register

    orgs = [p["city"], *p["committees"]]
    registers: dict[tuple[int, str, str], int] = {}
    for org in orgs:
        for direction in ("incoming", "outgoing"):
            for series in ("ordinary", "classified"):
                reg = default_register(organization=org, direction=direction, series=series)
                registers[(org.pk, direction, series)] = reg.pk
    return {
        "orgs": orgs,
        "types": list(DocumentType.objects.order_by("pk").values_list("pk", flat=True)[:6]),
        "registers": registers,
        "leader": p["leader"].pk,
    }


def _rows(ctx: dict[str, Any], today: datetime.date) -> Iterator[dict[str, Any]]:
    """The documents, as column → value (strings for dates, so both drivers take them)."""
    orgs, types, registers = ctx["orgs"], ctx["types"], ctx["registers"]
    first_year = today.year - YEARS + 1
    span = (today - datetime.date(first_year, 1, 1)).days + 1
    numbers: dict[tuple[int, str], int] = {}
    leader = ctx["leader"]
    for i in range(DOCS):
        org = orgs[i % len(orgs)]
        day = datetime.date(first_year, 1, 1) + datetime.timedelta(days=(i * 7919) % span)
        direction = "incoming" if i % 10 < 7 else "outgoing"
        classified = i % 50 == 0
        series = "classified" if classified else "ordinary"
        reg = registers[(org.pk, direction, series)]
        key = (reg, str(day.year))
        numbers[key] = numbers.get(key, 0) + 1
        roll = i % 100
        if direction == "outgoing":
            status = "issued"
        elif roll < 80 or day.year < today.year:
            status = "done"
        elif roll < 92:
            status = "in_progress"
        elif roll < 97:
            status = "awaiting_direction"
        else:
            status = "new"
        deadline = day + datetime.timedelta(days=10 + i % 20) if direction == "incoming" else None
        yield {
            "direction": direction,
            "organization_id": org.pk,
            "register_id": reg,
            "number": numbers[key],
            "period_key": str(day.year),
            "counter_type_key": 0,
            "number_symbol": f"{numbers[key]}-CV/{org.code}",
            "document_type_id": types[i % len(types)],
            "issued_date": day.isoformat(),
            "summary": f"Về việc triển khai nhiệm vụ số {i}",
            "signer": "Lê Văn Ký",
            "secrecy": "confidential" if classified else "none",
            "urgency": "urgent" if i % 13 == 0 else "normal",
            "received_at": f"{day.isoformat()} 02:00:00" if direction == "incoming" else None,
            "deadline": deadline.isoformat() if deadline else None,
            "sender": "Ủy ban nhân dân thành phố",
            "status": status,
            "directed_by_id": leader if classified and i % 100 == 0 else None,
        }


def _columns(model: Any) -> tuple[list[str], dict[str, Any]]:
    from django.db import connection

    cols, defaults = [], {}
    now = timezone_now_text()
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        cols.append(f.attname)
        if f.attname in ("created_at", "updated_at", "assigned_at"):
            defaults[f.attname] = now
        elif f.has_default():
            defaults[f.attname] = f.get_db_prep_save(f.get_default(), connection)
        else:
            defaults[f.attname] = None if f.null else ""
    return cols, defaults


def timezone_now_text() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")


def _write(table: str, cols: list[str], rows: Iterator[tuple[Any, ...]]) -> int:
    """Bulk insert: COPY on PostgreSQL, executemany in one transaction on SQLite."""
    from django.db import connection, transaction

    count = 0
    names = ", ".join(cols)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg 3
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            marks = ", ".join(["%s"] * len(cols))
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 (our columns)
            batch: list[tuple[Any, ...]] = []
            for row in rows:
                batch.append(row)
                if len(batch) >= BATCH:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
    return count


def fill(p: dict[str, Any]) -> dict[str, float]:
    from django.db import connection

    from vanthu.registry.models import Assignment, Document

    today = datetime.date.today()
    cols, defaults = _columns(Document)
    ctx = _context(p)
    start = time.perf_counter()
    written = _write(
        "registry_document",
        cols,
        (tuple({**defaults, **r}.get(c) for c in cols) for r in _rows(ctx, today)),
    )
    docs_s = time.perf_counter() - start
    # This year's incoming documents get their lead assignment; done ones a completion time.
    a_cols, a_defaults = _columns(Assignment)
    leader = p["leader"].pk
    start = time.perf_counter()
    this_year = list(
        Document.objects.filter(direction="incoming", period_key=str(today.year))
        .exclude(status="new")
        .values_list("pk", "organization_id", "received_at", "deadline", "status")
    )
    users = {p["clerk"].organization_id: p["clerk"].pk}
    others = p["specialist"].pk

    def assignments() -> Iterator[tuple[Any, ...]]:
        for pk, org_id, _received, deadline, status in this_year:
            if status == "awaiting_direction":
                continue
            done = None
            if status == "done":
                late = pk % 5 == 0
                finished = deadline + datetime.timedelta(days=3 if late else -2)
                done = f"{finished.isoformat()} 03:00:00"
            row = {
                **a_defaults,
                "document_id": pk,
                "user_id": users.get(org_id, others),
                "role": "lead",
                "deadline": deadline.isoformat() if deadline else None,
                "assigned_by_id": leader,
                "done_at": done,
            }
            yield tuple(row.get(c) for c in a_cols)

    assigned = _write("registry_assignment", a_cols, assignments())
    assignments_s = time.perf_counter() - start
    # The rows above bypassed the services, so their counter cells are built the way an
    # upgrade builds them: ``vanthu rebuild-counts`` (reports.summary.rebuild).
    from vanthu.reports import summary

    start = time.perf_counter()
    summary.rebuild()
    rebuild_s = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "documents": written,
        "documents_s": round(docs_s, 1),
        "assignments": assigned,
        "assignments_s": round(assignments_s, 1),
        "rebuild_s": round(rebuild_s, 1),
    }


def measure(p: dict[str, Any]) -> dict[str, Any]:
    from django.core.cache import cache
    from django.test import Client
    from django.utils import timezone

    from vanthu.orgs.models import DocumentType
    from vanthu.registry import services as registry
    from vanthu.reports.dashboard import dashboard

    # What the web process imports before its first request (vanthu.wsgi: the URLconf and
    # every view, 1.5-2.6 s of CPU), so that the first timed call is not the process's start.
    from vanthu.wsgi import warm

    warm()
    out: dict[str, Any] = {}
    leader, clerk = p["leader"], p["clerk"]
    # The figures a first visit computes (cache cleared before each call). They come from the
    # counter cells kept by the services (reports.summary), not from the documents.
    fresh = {"repeat": FRESH_REPEAT, "before": cache.clear}
    out["leader_fresh"] = ms(timed(lambda: dashboard(leader), **fresh))
    out["clerk_fresh"] = ms(timed(lambda: dashboard(clerk), **fresh))
    comparison = dashboard(leader)["comparison"]
    out["compared_units"] = comparison["units"]
    out["leader_year_incoming"] = comparison["total"]["incoming"]

    def page(user: Any) -> Callable[[], Any]:
        client = Client()
        client.force_login(user)

        def run() -> Any:
            answer = client.get("/")
            assert answer.status_code == 200, answer.status_code
            return answer

        return run

    leader_page, clerk_page = page(leader), page(clerk)
    leader_page()
    clerk_page()
    body = leader_page().content.decode()
    assert "So sánh các đơn vị trực thuộc" in body and body.count("<svg") == 3
    out["leader_page_warm"] = ms(timed(leader_page))
    out["clerk_page_warm"] = ms(timed(clerk_page))
    out["leader_page_fresh"] = ms(timed(leader_page, **fresh))

    # A change below the city: the next visit recomputes (new audit chain head).
    committee = p["committees"][6]
    writer = registry_clerk(committee)
    after: list[float] = []
    for i in range(max(REPEAT // 3, 3)):
        registry.register_incoming(
            actor=writer,
            organization=committee,
            data={
                "sender": "Ban Tổ chức Thành ủy",
                "number_symbol": f"{i + 1}-CV/BTCTU",
                "document_type": DocumentType.objects.get(code="CV"),
                "issued_date": timezone.localdate(),
                "summary": "Văn bản mới sau khi bảng tin đã được lưu",
                "received_at": timezone.now(),
            },
        )
        start = time.perf_counter()
        leader_page()
        after.append(time.perf_counter() - start)
    out["leader_page_after_change"] = ms(after)
    new_total = dashboard(leader)["comparison"]["total"]["incoming"]
    out["change_seen"] = new_total == out["leader_year_incoming"] + len(after)
    return out


def registry_clerk(committee: Any) -> Any:
    from vanthu.core.enums import Role
    from vanthu.orgs import services
    from vanthu.orgs.models import User

    admin = User.objects.get(username="bench")
    username = f"vanthu_{committee.code.lower()}"
    existing = User.objects.filter(username=username).first()
    if existing is not None:  # a kept database measured again
        return existing
    return services.create_user(
        actor=admin,
        username=username,
        password=secrets.token_urlsafe(16),
        full_name="Văn thư",
        organization=committee,
        roles=[Role.CLERK],
    )


def one(backend: str) -> None:
    # BENCH_DASHBOARD_REUSE_SQLITE=<folder>, BENCH_DASHBOARD_REUSE_POSTGRES=<folder>:<database>:
    # measure again on what a run with BENCH_DASHBOARD_KEEP=1 kept (its fill figures are read
    # back), e.g. fill while the machine is busy and time once it is quiet.
    reuse = os.environ.get(f"BENCH_DASHBOARD_REUSE_{backend.upper()}", "")
    if reuse:
        data_dir, _, reuse_db = reuse.partition(":")
        keep = True
    else:
        data_dir = tempfile.mkdtemp(prefix="vanthu-bench-dashboard-")
        keep = os.environ.get("BENCH_DASHBOARD_KEEP", "") == "1"  # for EXPLAIN work by hand
        reuse_db = ""
    db = setup_django(backend, data_dir, reuse_db or None)
    try:
        from django.db import connection

        filled = Path(data_dir) / "bench-dashboard-fill.json"
        if reuse:
            p = kept_people()
            result: dict[str, Any] = {"backend": backend, **json.loads(filled.read_text())}
        else:
            p = people()
            result = {"backend": backend, **fill(p)}
            if keep:
                filled.write_text(json.dumps(result))
        result.update(measure(p))
        connection.close()
        print(json.dumps(result), flush=True)
    finally:
        if keep:
            print(f"kept: {data_dir} {db or ''}", file=sys.stderr)
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
        if db is not None and not keep:
            from django.db import connections

            connections.close_all()
            subprocess.run(
                ["psql", f"{PG_URL}/postgres", "-qc", f"DROP DATABASE IF EXISTS {db}"],
                check=False,
            )


def postgres_answers() -> bool:
    try:
        subprocess.run(
            ["psql", f"{PG_URL}/postgres", "-qAtc", "SELECT 1"],
            check=True,
            capture_output=True,
            timeout=10,
        )
        return True
    except (OSError, subprocess.SubprocessError):
        return False


def report(data: dict[str, Any]) -> None:
    buf = io.StringIO()
    buf.write(
        f"-- {data['backend']}: {data['documents']:,} documents in {data['documents_s']} s, "
        f"{data['assignments']:,} assignments in {data['assignments_s']} s; "
        f"{data['compared_units']} units compared, {data['leader_year_incoming']:,} incoming "
        f"this year visible to the city leader; counter cells rebuilt in {data['rebuild_s']} s\n"
    )
    for key in (
        "leader_fresh",
        "clerk_fresh",
        "leader_page_fresh",
        "leader_page_warm",
        "clerk_page_warm",
        "leader_page_after_change",
    ):
        v = data[key]
        buf.write(f"   {key:26} p50 {v['p50']:9.1f} ms   p95 {v['p95']:9.1f} ms   (n={v['n']})\n")
    buf.write(f"   change seen after a registration: {data['change_seen']}\n")
    print(buf.getvalue(), end="", flush=True)


def main() -> None:
    for backend in BACKENDS:
        if backend == "postgres" and not postgres_answers():
            print("-- postgres: not reachable, skipped")
            continue
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_dashboard", backend],
            cwd=ROOT,
            check=False,
            capture_output=True,
            text=True,
        )
        for kept in (x for x in out.stderr.splitlines() if x.startswith("kept: ")):
            print(f"-- {backend}: {kept}")
        lines = [x for x in out.stdout.splitlines() if x.startswith("{")]
        if out.returncode != 0 or not lines:
            print(f"-- {backend}: failed\n{out.stderr[-3000:]}")
            continue
        report(json.loads(lines[-1]))


if __name__ == "__main__":
    if len(sys.argv) > 1:
        one(sys.argv[1])
    else:
        main()
