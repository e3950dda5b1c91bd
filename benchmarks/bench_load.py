"""Load on the production stack: how many office users it holds (issue "Scale out and hold up").

Brings up the stack of docs/deploy.md on loopback with tests/production/stack.py (PostgreSQL,
Redis, two gunicorn instances, a worker per queue, beat, nginx over TLS, demo data), then runs
locust (benchmarks/locust_office.py: clerks registering and uploading, leaders reading, everyone
searching and downloading) at a rising number of concurrent users, each step for a fixed time.
For each step: requests per second, p50/p95/p99 over all requests, failures, the slowest page's
p95, and the machine's load. The answer is the largest step with p95 < 300 ms and no failure,
and the first step past it with what broke.

Each step starts with its users logging in together; the window counted starts when the last
one is in (locust_office.py), and the logins are reported apart (a person logs in once a day;
left in the window, the PBKDF2 hashes of a whole crowd queued every page behind them). Beside
the client's figures, each step reports the CPU time the stack spent (gunicorn, workers, the
database's backends) per request, and locust's own CPU: on a shared machine the CPU figures
compare runs, the times do not.

Ramp mode (``VANTHU_LOAD_RAMP=20,40,80,120,160,200``): the same steps against one stack, each
60 s unless VANTHU_LOAD_SECONDS says otherwise, stopping at the first step with p95 ≥ 300 ms or
any error; it prints the held and broken figures with the reason (the machine's CPU, the time
a request spent inside a gunicorn worker against the time the client saw, the errors) and
writes them to VANTHU_LOAD_OUT (JSON) when set.

The locust crowd logs in from one address with 60 demo accounts (every leader as
``lanhdao``), and each step logs everyone in again a minute after the last: the login limits
(docs/security.md) are raised for the stack, since no office logs dozens of people into one
account; the pages are what is measured.

Run: ``.venv/bin/python -m benchmarks bench_load`` (about 10 minutes). Options by environment:
VANTHU_LOAD_STEPS (default ``10,20,40,80,120``), VANTHU_LOAD_RAMP (ramp mode, above),
VANTHU_LOAD_SECONDS (the window, default 45; 60 in ramp mode), VANTHU_LOAD_WEB_WORKERS
(gunicorn processes per instance, default 3), VANTHU_LOAD_OUT (a JSON file for the results).
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
P95_LIMIT_MS = 300.0
# gunicorn's access log line (deploy/systemd/vanthu-web@.service) ends with the worker's time.
ACCESS_LINE = re.compile(
    r'"(?P<method>[A-Z]+) (?P<path>\S+)[^"]*" (?P<status>\d{3}) \S+ (?P<ms>\d+)ms$'
)


class _CpuSampler:
    """CPU seconds of the stack's processes by role, and of the database's backends.

    Sampled every second from /proc: a process group per unit (stack.procs), and the backends
    that pg_stat_activity lists for the stack's database (a backend that ends between two
    samples loses at most a second of its time, so that figure is a lower bound).
    """

    def __init__(self, stack: Any, window: Path) -> None:
        import psycopg

        # The locustfile creates this file when the last user is in: counting starts there.
        self.window = window
        self.opened = False

        self.groups = {proc.pid: name.split("-")[0] for name, proc in stack.procs.items()}
        self.db = stack.env["DATABASE_URL"].rsplit("/", 1)[1]
        self.conn = psycopg.connect(stack.env["DATABASE_URL"], autocommit=True)
        self.tick = os.sysconf("SC_CLK_TCK")
        self.seen: dict[tuple[str, int], float] = {}
        self.first: dict[tuple[str, int], float] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.machine_start = self.machine_end = (0.0, 0.0)
        self.window_start = self.window_end = 0.0
        self.loads: list[float] = []

    def _cpu(self, pid: int) -> float | None:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            return None
        return (int(fields[11]) + int(fields[12])) / self.tick

    def _sample(self) -> None:
        pids: list[tuple[str, int]] = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                with contextlib.suppress(ProcessLookupError):
                    role = self.groups.get(os.getpgid(int(entry)))
                    if role:
                        pids.append((role, int(entry)))
        rows = self.conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [self.db],
        ).fetchall()
        pids += [("postgres", int(r[0])) for r in rows]
        for key in pids:
            cpu = self._cpu(key[1])
            if cpu is not None:
                self.first.setdefault(key, cpu)
                self.seen[key] = cpu

    @staticmethod
    def _machine() -> tuple[float, float]:
        """(busy, total) jiffies of all cores since boot, from /proc/stat."""
        fields = [float(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + fields[4]  # idle, iowait
        return sum(fields) - idle, sum(fields)

    def _loop(self) -> None:
        while not self.stop.wait(1.0):
            if not self.opened and self.window.exists():
                self.opened = True
                self.first.clear()
                self.seen.clear()
                self.machine_start = self._machine()
                self.window_start = time.monotonic()
            if self.opened:
                self.loads.append(os.getloadavg()[0])
            self._sample()

    def __enter__(self) -> _CpuSampler:
        self._sample()
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop.set()
        self.thread.join()
        self._sample()
        self.machine_end = self._machine()
        self.window_end = time.monotonic()
        self.conn.close()

    def machine_busy(self) -> float:
        """Share of all the machine's cores busy during the window (every process, ours or
        not): 1.0 is every core at work all the time."""
        busy = self.machine_end[0] - self.machine_start[0]
        total = self.machine_end[1] - self.machine_start[1]
        return busy / total if total > 0 else 0.0

    def by_role(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for key, cpu in self.seen.items():
            out[key[0]] = out.get(key[0], 0.0) + cpu - self.first[key]
        return out


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def _log_sizes(stack: Any) -> dict[str, int]:
    return {n: p.stat().st_size for n, p in stack.logs.items() if n.startswith("web-")}


def _worker_ms(stack: Any, since: dict[str, int]) -> list[float]:
    """Time inside a gunicorn worker (ms) of every request of the step but the logins, from
    the web processes' access logs after the offsets in ``since``."""
    out: list[float] = []
    for name, offset in since.items():
        with stack.logs[name].open("rb") as fh:
            fh.seek(offset)
            for raw in fh:
                m = ACCESS_LINE.search(raw.decode(errors="replace").rstrip())
                if m and "/auth/token/" not in m["path"]:
                    out.append(float(m["ms"]))
    return out


def _step(stack: Any, users: int, seconds: int, folder: Path) -> dict[str, Any]:
    prefix = folder / f"step-{users}"
    logins_file = folder / f"step-{users}-logins.json"
    window = folder / f"step-{users}-window"
    env = dict(
        os.environ,
        VANTHU_LOAD_CA=str(stack.ca),
        VANTHU_LOAD_SECONDS=str(seconds),
        VANTHU_LOAD_LOGINS=str(logins_file),
        VANTHU_LOAD_WINDOW=str(window),
    )
    before = os.getloadavg()[0]
    offsets = _log_sizes(stack)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    with _CpuSampler(stack, window) as cpu:
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
                # A bound only: the step ends VANTHU_LOAD_SECONDS after the last login.
                "--run-time",
                f"{seconds + 600}s",
                "--host",
                stack.base,
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env=env,
            check=False,
            capture_output=True,
            timeout=seconds + 720,
        )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    locust_cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
    with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    pages = [
        r for r in rows if r["Name"] not in ("Aggregated", "auth/token") and int(r["Request Count"])
    ]
    slowest = max(pages, key=lambda r: float(r["95%"] or 0))
    failures = []
    fail_csv = Path(f"{prefix}_failures.csv")
    if fail_csv.exists():
        with fail_csv.open(encoding="utf-8") as fh:
            failures = [
                f"{r['Name']}: {r['Error'][:80]} ×{r['Occurrences']}" for r in csv.DictReader(fh)
            ]
    logins = json.loads(logins_file.read_text()) if logins_file.exists() else {"ms": []}
    requests = int(total["Request Count"])
    spent = cpu.by_role()
    in_worker = _worker_ms(stack, offsets)
    window_s = max(1e-9, cpu.window_end - cpu.window_start) if cpu.opened else 0.0
    return {
        "users": users,
        "rps": float(total["Requests/s"]),
        "requests": requests,
        "p50": float(total["50%"]),
        "p95": float(total["95%"]),
        "p99": float(total["99%"]),
        "failures": int(total["Failure Count"]) + int(logins.get("failed", 0)),
        "slowest": f"{slowest['Name']} {float(slowest['95%']):.0f} ms",
        "pages": [
            (
                r["Name"],
                int(r["Request Count"]),
                float(r["50%"]),
                float(r["95%"]),
                float(r["99%"]),
                int(r["Failure Count"]),
            )
            for r in pages
        ],
        "logins": (
            len(logins["ms"]),
            _percentile(logins["ms"], 0.5),
            _percentile(logins["ms"], 0.95),
            max(logins["ms"], default=0.0),
        ),
        # CPU ms per request of the window (from the sample after the last login).
        "cpu_ms": {k: 1000 * v / max(1, requests) for k, v in sorted(spent.items())},
        "locust_cpu_s": locust_cpu,
        "load": max(before, os.getloadavg()[0], *cpu.loads),
        "load_range": (min([before, *cpu.loads]), max([before, *cpu.loads])),
        "failure_kinds": failures,
        # The machine's cores (every process's) busy during the window, and the stack's share
        # of them in cores.
        "machine_busy": cpu.machine_busy(),
        "stack_cores": sum(spent.values()) / window_s if window_s else 0.0,
        "worker_ms": (
            _percentile(in_worker, 0.5),
            sum(in_worker) / len(in_worker) if in_worker else 0.0,
            _percentile(in_worker, 0.95),
        ),
    }


def _broken(r: dict[str, Any], ramp: bool) -> bool:
    if ramp:
        return r["p95"] >= P95_LIMIT_MS or r["failures"] > 0
    return r["p95"] > 4 * P95_LIMIT_MS


def _why(r: dict[str, Any], cores: int, web_processes: int) -> str:
    """What the step's own figures say about why it broke."""
    reasons = []
    if r["failures"]:
        reasons.append(f"{r['failures']} errors ({'; '.join(r['failure_kinds'][:3])})")
    w50, wmean, w95 = r["worker_ms"]
    busy = r["machine_busy"]
    reasons.append(
        f"the machine's {cores} cores {100 * busy:.0f} % busy (the stack "
        f"{r['stack_cores']:.2f} cores of them, the rest locust and other work; load "
        f"{r['load_range'][0]:.1f}–{r['load_range'][1]:.1f})"
    )
    reasons.append(
        f"a request spent p50 {w50:.0f} / mean {wmean:.0f} / p95 {w95:.0f} ms inside a gunicorn "
        f"worker against p50 {r['p50']:.0f} / p95 {r['p95']:.0f} ms at the client: the rest "
        f"is the wait for one of the {web_processes} workers"
    )
    if busy >= 0.9:
        reasons.append("so: CPU (the cores were saturated)")
    elif w95 >= P95_LIMIT_MS:
        reasons.append("so: the requests themselves got slow inside the workers")
    else:
        reasons.append("so: queueing for a worker while CPU was left")
    return "; ".join(reasons)


def _stack_cpu(stack: Any) -> float:
    """CPU seconds used so far by the processes of the stack's units (their process groups)."""
    groups = {proc.pid for proc in stack.procs.values()}
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            if os.getpgid(int(entry)) in groups:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _drain(stack: Any, limit: float = 900.0) -> tuple[float, int]:
    """Wait until the demo's background work (OCR of its scans, indexing, suggestion models)
    is done and the stack has settled, so that a step measures the office's traffic and not
    the seeding. Returns the seconds waited and the jobs left (0 unless the limit was hit).

    Settled: no job waiting or running, and the stack's own processes used under 0.25 s of CPU
    in the last 5 s (idle workers and the scheduler use less). Waiting for the machine's load
    to fall, as before, never ends on a machine shared with other work.
    """
    import psycopg

    started = time.monotonic()
    left = -1
    used = _stack_cpu(stack)
    with psycopg.connect(stack.env["DATABASE_URL"], autocommit=True) as conn:
        while time.monotonic() - started < limit:
            time.sleep(5)
            row = conn.execute(
                "SELECT count(*) FROM core_job WHERE status IN ('waiting', 'running')"
            ).fetchone()
            left = int(row[0]) if row else 0
            now = _stack_cpu(stack)
            quiet, used = now - used < 0.25, now
            if left == 0 and quiet:
                break
    return time.monotonic() - started, left


def main() -> None:
    sys.path.insert(0, str(HERE.parent))
    from tests.production.stack import running_stack

    ramp = os.environ.get("VANTHU_LOAD_RAMP", "").strip()
    steps = [
        int(s) for s in (ramp or os.environ.get("VANTHU_LOAD_STEPS", "10,20,40,80,120")).split(",")
    ]
    seconds = int(os.environ.get("VANTHU_LOAD_SECONDS", "60" if ramp else "45"))
    web_workers = int(os.environ.get("VANTHU_LOAD_WEB_WORKERS", "3"))
    # One address, 60 accounts, a fresh login of everyone every step: not an office's logins.
    limits = {"VANTHU_LOGIN_THROTTLE": "100000/min", "VANTHU_LOGIN_THROTTLE_ADDRESS": "100000/min"}
    with tempfile.TemporaryDirectory(prefix="vanthu-load-") as tmp:
        folder = Path(tmp)
        started = time.monotonic()
        with running_stack(
            folder, web_workers=web_workers, worker_concurrency=1, extra_env=limits
        ) as stack:
            print(f"stack up in {time.monotonic() - started:.0f} s", flush=True)
            waited, left = _drain(stack)
            print(
                f"background work of the demo drained in {waited:.0f} s ({left} jobs left), "
                f"load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
            results = []
            for users in steps:
                r = _step(stack, users, seconds, folder)
                results.append(r)
                print(
                    f"{r['users']:>4} users  {r['rps']:6.1f} req/s  p50 {r['p50']:5.0f} ms  "
                    f"p95 {r['p95']:5.0f} ms  p99 {r['p99']:5.0f} ms  failures {r['failures']}  "
                    f"slowest p95: {r['slowest']}  load {r['load']:.1f}",
                    flush=True,
                )
                for name, count, p50, p95, p99, failed in r["pages"]:
                    print(
                        f"      {name:<18} {count:>6}  p50 {p50:5.0f}  p95 {p95:5.0f}  "
                        f"p99 {p99:5.0f}  failures {failed}",
                        flush=True,
                    )
                n, l50, l95, lmax = r["logins"]
                print(
                    f"      logins (apart)     {n:>6}  p50 {l50:5.0f}  p95 {l95:5.0f}  "
                    f"max {lmax:5.0f}",
                    flush=True,
                )
                cpu = "  ".join(f"{k} {v:.1f}" for k, v in r["cpu_ms"].items())
                print(
                    f"      CPU ms per request: {cpu}; locust {r['locust_cpu_s']:.1f} s",
                    flush=True,
                )
                w50, wmean, w95 = r["worker_ms"]
                print(
                    f"      in a worker: p50 {w50:.0f}  mean {wmean:.0f}  p95 {w95:.0f} ms; "
                    f"machine {100 * r['machine_busy']:.0f} % busy, stack "
                    f"{r['stack_cores']:.2f} cores; load {r['load_range'][0]:.1f}–"
                    f"{r['load_range'][1]:.1f}",
                    flush=True,
                )
                for kind in r["failure_kinds"][:5]:
                    print(f"      {kind}", flush=True)
                if _broken(r, bool(ramp)):
                    break
    cores = os.cpu_count() or 1
    held = [r for r in results if r["p95"] < P95_LIMIT_MS and r["failures"] == 0]
    broke = next((r for r in results if r["p95"] >= P95_LIMIT_MS or r["failures"]), None)
    print(
        f"machine: {platform.node()} {cores} cores, {platform.python_version()}; "
        f"{2 * web_workers} gunicorn processes, 5 workers (1 process each), {seconds} s a step"
    )
    print(
        "held with p95 < 300 ms and no failure: "
        + (
            f"{held[-1]['users']} concurrent users ({held[-1]['rps']:.1f} req/s, p95 "
            f"{held[-1]['p95']:.0f} ms, load {held[-1]['load']:.1f})"
            if held
            else "no step"
        )
    )
    why = _why(broke, cores, 2 * web_workers) if broke else ""
    if broke:
        print(
            f"broke at {broke['users']} users ({broke['rps']:.1f} req/s, p95 {broke['p95']:.0f} "
            f"ms, slowest page {broke['slowest']}, {broke['failures']} errors): {why}"
        )
    else:
        print("did not break within the steps")
    out = os.environ.get("VANTHU_LOAD_OUT", "")
    if out:
        summary = {
            "machine": f"{platform.node()}, {cores} cores, Python {platform.python_version()}",
            "web_processes": 2 * web_workers,
            "seconds_per_step": seconds,
            "held": held[-1] if held else None,
            "broke": broke,
            "why": why,
            "steps": results,
        }
        Path(out).write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
