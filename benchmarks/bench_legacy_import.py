"""Legacy import speed (issue 10): 100,000 register rows in under 60 s and 500 MB.

1. Writes an .xlsx sổ đến of ``BENCH_LEGACY_ROWS`` (100,000) rows as an old register looks: a
   merged title, the NĐ 30 header, half the rows typed in TCVN3, dates as text and as serials.
2. For each backend (SQLite in a scratch data folder; PostgreSQL ``vanthu_bench_legacy_<pid>``
   when 127.0.0.1:5432 answers): ``migrate``, then a child process imports the file for real
   (one transaction, search index included) and reports its wall time, its own CPU time
   (``time.process_time``, every thread of it), the CPU time of its PostgreSQL backend
   (``/proc/<pid>/schedstat`` of ``pg_backend_pid()``: the server is local; 0 on SQLite, whose
   work is in the client's) and its peak RSS (``resource.getrusage(RUSAGE_SELF).ru_maxrss``),
   with the load average before and after. The budget is wall time on a quiet machine; on a
   shared one the CPU times say what the run cost whatever the load: the wall time cannot be
   below the larger of the two, and the import overlaps them (legacy/storing.py).

Run: ``.venv/bin/python -m benchmarks bench_legacy_import``. Scratch databases are dropped.
``BENCH_LEGACY_BACKENDS=sqlite`` (or ``postgresql``) runs one backend; ``BENCH_LEGACY_PROFILE=N``
prints the N top lines of a cProfile of the import to stderr (``BENCH_LEGACY_SORT=tottime``
to sort by own time; the storing thread is not profiled).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ROWS = int(os.environ.get("BENCH_LEGACY_ROWS", "100000"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
BACKENDS = os.environ.get("BENCH_LEGACY_BACKENDS", "sqlite,postgresql").split(",")
LIMIT_SECONDS, LIMIT_MB = 60, 500

CHILD = """
import cProfile, io, json, os, pstats, resource, sys, time
from pathlib import Path
import django
django.setup()
from django.db import connection
from vanthu.legacy.services import import_register
from vanthu.orgs.models import Organization, Position, User


def server_cpu():
    # CPU seconds of this process's PostgreSQL backend so far (0 on SQLite).
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9


org = Organization.objects.create(code="TU", name="Thành ủy", symbol="TU", kind="committee")
org.path = Organization.segment(org.pk)
org.save()
user = User.objects.create(username="vanthu", organization=org)
Position.objects.create(user=user, organization=org, role="clerk")
profiler = cProfile.Profile() if os.environ.get("BENCH_LEGACY_PROFILE") else None
load = os.getloadavg()[0]
started, cpu, server = time.monotonic(), time.process_time(), server_cpu()
if profiler is not None:
    profiler.enable()
result = import_register(actor=user, organization=org, direction="incoming", path=Path(sys.argv[1]))
if profiler is not None:
    profiler.disable()
seconds, cpu = time.monotonic() - started, time.process_time() - cpu
server = server_cpu() - server
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
if profiler is not None:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats(os.environ.get("BENCH_LEGACY_SORT", "cumulative"))
    stats.print_stats(int(os.environ.get("BENCH_LEGACY_PROFILE", "40")))
    print(out.getvalue(), file=sys.stderr)
print(json.dumps({"seconds": seconds, "cpu": cpu, "server_cpu": server, "rows": result.total,
    "taken": result.taken, "refused": result.refused, "peak_rss_mb": peak,
    "load": [load, os.getloadavg()[0]]}))
"""


def write_register(path: Path, rows: int) -> None:
    import openpyxl

    from vanthu.core.text import encode_legacy

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Sổ đến")
    sheet.append(["SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"])
    sheet.append(
        ["Số đến", "Ngày đến", "Tác giả", "Số, ký hiệu", "Ngày tháng văn bản",
         "Tên loại và trích yếu nội dung", "Đơn vị hoặc người nhận", "Ghi chú"]
    )  # fmt: skip
    senders = ["Ban Tổ chức Trung ương", "Văn phòng Tỉnh ủy", "Ủy ban nhân dân tỉnh"]
    topics = ["công tác cán bộ", "tổ chức đại hội", "kiểm tra, giám sát", "thi đua khen thưởng"]
    per_year = 10_000
    for i in range(rows):
        year = 2010 + i // per_year
        day = 1 + (i % per_year) * 365 // per_year
        summary = f"Công văn về {topics[i % 4]} đợt {i} năm {year}"
        sender = senders[i % 3]
        if i % 2:
            summary, sender = encode_legacy(summary, "tcvn3"), encode_legacy(sender, "tcvn3")
        serial = 40179 + (year - 2010) * 365 + day  # an Excel serial in that year
        received = (
            serial if i % 3 == 0 else f"{(day % 28) + 1:02d}/{(day // 31) % 12 + 1:02d}/{year}"
        )
        sheet.append([i % per_year + 1, received, sender, f"{i}-CV/BTCTW", None, summary,
                      "Văn phòng", ""])  # fmt: skip
    book.save(path)


def _pg_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def run_backend(name: str, env: dict[str, str], path: Path) -> dict[str, float]:
    subprocess.run([str(BIN / "vanthu"), "migrate", "-v0"], env=env, check=True)
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)],
        env=env,
        check=True,
        stdout=subprocess.PIPE,  # the profile, if asked for, goes to stderr as it is
        text=True,
    )
    numbers = json.loads(out.stdout.strip().splitlines()[-1])
    wall_ok = numbers["seconds"] < LIMIT_SECONDS
    memory_ok = numbers["peak_rss_mb"] < LIMIT_MB
    print(
        f"{name}: {numbers['rows']:,} rows ({numbers['taken']:,} taken) in "
        f"{numbers['seconds']:.1f} s wall ({numbers['rows'] / numbers['seconds']:,.0f} rows/s); "
        f"CPU: client {numbers['cpu']:.1f} s, server {numbers['server_cpu']:.1f} s; "
        f"peak RSS {numbers['peak_rss_mb']:.0f} MB; load average "
        f"{numbers['load'][0]:.1f} → {numbers['load'][1]:.1f}  "
        f"[wall {'OK' if wall_ok else 'OVER'}, memory {'OK' if memory_ok else 'OVER'}]",
        flush=True,
    )
    return dict(numbers)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanthu.settings")
    with tempfile.TemporaryDirectory(prefix="bench-legacy-") as tmp:
        folder = Path(tmp)
        path = folder / "so-den.xlsx"
        started = time.monotonic()
        write_register(path, ROWS)
        size = path.stat().st_size / 1e6
        print(f"file: {ROWS:,} rows, {size:.1f} MB, written in {time.monotonic() - started:.1f} s")
        base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        base["DJANGO_SETTINGS_MODULE"] = "vanthu.settings"
        sqlite_env = {**base, "VANTHU_DATA_DIR": str(folder / "data")}
        if "sqlite" in BACKENDS:
            run_backend("sqlite", sqlite_env, path)
        if "postgresql" in BACKENDS and _pg_up():
            db = f"vanthu_bench_legacy_{os.getpid()}"
            subprocess.run(["psql", f"{PG_URL}/postgres", "-qc", f"CREATE DATABASE {db}"],
                           check=True)  # fmt: skip
            try:
                pg_env = {**sqlite_env, "DATABASE_URL": f"{PG_URL}/{db}",
                          "VANTHU_DATA_DIR": str(folder / "pgdata")}  # fmt: skip
                run_backend("postgresql", pg_env, path)
            finally:
                subprocess.run(["psql", f"{PG_URL}/postgres", "-qc", f"DROP DATABASE {db}"],
                               check=False)  # fmt: skip


if __name__ == "__main__":
    main()
