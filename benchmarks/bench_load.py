"""Load on the production stack: how many office users it holds (issue "Scale out and hold up").

Brings up the stack of docs/deploy.md on loopback with tests/production/stack.py (PostgreSQL,
Redis, two gunicorn instances, a worker per queue, beat, nginx over TLS, demo data), then runs
locust (benchmarks/locust_office.py: clerks registering and uploading, leaders reading, everyone
searching and downloading) at a rising number of concurrent users, each step for a fixed time.
For each step: requests per second, p50/p95/p99 over all requests, failures, the slowest page's
p95, and the machine's load. The answer is the largest step with p95 < 300 ms and no failure,
and the first step past it with what broke.

Run: ``.venv/bin/python -m benchmarks bench_load`` (about 8 minutes). Options by environment:
VANTHU_LOAD_STEPS (default ``10,20,40,80,120``), VANTHU_LOAD_SECONDS (default 45),
VANTHU_LOAD_WEB_WORKERS (gunicorn processes per instance, default 3).
"""

from __future__ import annotations

import csv
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
P95_LIMIT_MS = 300.0


def _step(base: str, ca: Path, users: int, seconds: int, folder: Path) -> dict[str, Any]:
    prefix = folder / f"step-{users}"
    env = dict(os.environ, VANTHU_LOAD_CA=str(ca))
    before = os.getloadavg()[0]
    subprocess.run(
        [
            str(Path(sys.executable).parent / "locust"),
            "-f",
            str(HERE / "locust_office.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(max(1, users // 5)),
            "--run-time",
            f"{seconds}s",
            "--host",
            base,
            "--csv",
            str(prefix),
            "--only-summary",
            # Logging in (one PBKDF2 hash per user, once a day in an office) is the ramp-up's
            # cost, not a page's: the statistics start when every user is in.
            "--reset-stats",
            "--loglevel",
            "WARNING",
        ],
        env=env,
        check=False,
        capture_output=True,
        timeout=seconds + 120,
    )
    with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    pages = [r for r in rows if r["Name"] != "Aggregated" and r["Name"] != "auth/token"]
    slowest = max(pages, key=lambda r: float(r["95%"] or 0))
    failures = []
    fail_csv = Path(f"{prefix}_failures.csv")
    if fail_csv.exists():
        with fail_csv.open(encoding="utf-8") as fh:
            failures = [
                f"{r['Name']}: {r['Error'][:80]} ×{r['Occurrences']}" for r in csv.DictReader(fh)
            ]
    return {
        "users": users,
        "rps": float(total["Requests/s"]),
        "requests": int(total["Request Count"]),
        "p50": float(total["50%"]),
        "p95": float(total["95%"]),
        "p99": float(total["99%"]),
        "failures": int(total["Failure Count"]),
        "slowest": f"{slowest['Name']} {float(slowest['95%']):.0f} ms",
        "load": max(before, os.getloadavg()[0]),
        "failure_kinds": failures,
    }


def _drain(env: dict[str, str], limit: float = 900.0) -> tuple[float, int]:
    """Wait until the demo's background work (OCR of its scans, indexing, suggestion models)
    is done and the machine has settled, so that a step measures the office's traffic and not
    the seeding. Returns the seconds waited and the jobs left (0 unless the limit was hit)."""
    import psycopg

    started = time.monotonic()
    left = -1
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
        while time.monotonic() - started < limit:
            row = conn.execute(
                "SELECT count(*) FROM core_job WHERE status IN ('waiting', 'running')"
            ).fetchone()
            left = int(row[0]) if row else 0
            if left == 0 and os.getloadavg()[0] < 1.5:
                break
            time.sleep(5)
    return time.monotonic() - started, left


def main() -> None:
    sys.path.insert(0, str(HERE.parent))
    from tests.production.stack import running_stack

    steps = [int(s) for s in os.environ.get("VANTHU_LOAD_STEPS", "10,20,40,80,120").split(",")]
    seconds = int(os.environ.get("VANTHU_LOAD_SECONDS", "45"))
    web_workers = int(os.environ.get("VANTHU_LOAD_WEB_WORKERS", "3"))
    with tempfile.TemporaryDirectory(prefix="vanthu-load-") as tmp:
        folder = Path(tmp)
        started = time.monotonic()
        with running_stack(folder, web_workers=web_workers, worker_concurrency=1) as stack:
            print(f"stack up in {time.monotonic() - started:.0f} s", flush=True)
            waited, left = _drain(stack.env)
            print(
                f"background work of the demo drained in {waited:.0f} s ({left} jobs left), "
                f"load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
            results = []
            for users in steps:
                r = _step(stack.base, stack.ca, users, seconds, folder)
                results.append(r)
                print(
                    f"{r['users']:>4} users  {r['rps']:6.1f} req/s  p50 {r['p50']:5.0f} ms  "
                    f"p95 {r['p95']:5.0f} ms  p99 {r['p99']:5.0f} ms  failures {r['failures']}  "
                    f"slowest p95: {r['slowest']}  load {r['load']:.1f}",
                    flush=True,
                )
                for kind in r["failure_kinds"][:5]:
                    print(f"      {kind}", flush=True)
                if r["p95"] > 4 * P95_LIMIT_MS:
                    break
    held = [r for r in results if r["p95"] < P95_LIMIT_MS and r["failures"] == 0]
    print(
        f"machine: {platform.node()} {os.cpu_count()} cores, {platform.python_version()}; "
        f"{2 * web_workers} gunicorn processes, 5 workers (1 process each), {seconds} s a step"
    )
    print(
        "held with p95 < 300 ms and no failure: "
        + (f"{held[-1]['users']} concurrent users" if held else "no step")
    )


if __name__ == "__main__":
    main()
