"""Delivery between two installations with the receiver down a third of the time (issue 9).

Starts two real installations on loopback (tests/exchange/installations.py), queues N documents
at A for B while B is stopped and started on a schedule, until every message is sent. Every
message travels signed (XML-DSig) and is verified, as in production with keys.

The schedule keeps B down a third of the time even when a restart is slow: B is down from the
moment it is stopped until it answers again (a restart on a loaded machine can take a minute),
and each up period lasts at least twice the down period before it (at least ``UP_SECONDS``;
each stop lasts ``DOWN_SECONDS`` before the restart begins).

Reports: total delivery time, per-document delivery latency (queued at A → B's 202 with its
status 01) p50/p95/max, attempts and retries, duplicates at B and documents lost (both must be
0), the statuses returned to A, the share of time B was down, the load average during the run
and the CPU time of both installations.

Run: ``.venv/bin/python benchmarks/bench_exchange.py [N] [WORKERS]`` (default 1,000 and 1).
WORKERS > 1 runs that many job workers (concurrent deliveries) and gunicorn workers per side.
"""

from __future__ import annotations

import math
import os
import resource
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from tests.exchange.installations import Installation, configure, pair  # noqa: E402

UP_SECONDS, DOWN_SECONDS = 10.0, 5.0


class Schedule:
    """Stops and starts B in a thread: down ``DOWN_SECONDS`` + the restart, then up twice as
    long as it was down (at least ``UP_SECONDS``)."""

    def __init__(self, b: Installation) -> None:
        self.b = b
        self.stop = threading.Event()
        self.down = 0.0
        self.outages: list[float] = []
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        up = UP_SECONDS
        while not self.stop.wait(up):
            started = time.monotonic()
            self.b.stop()
            if self.stop.wait(DOWN_SECONDS):
                self._count(started)
                return  # never bring B back up behind the caller's back
            self.b.start()
            try:
                self.b.ready(timeout=600)
            except AssertionError as exc:
                print(f"B slow to start: {exc}", file=sys.stderr)
            up = max(UP_SECONDS, 2 * self._count(started))

    def _count(self, started: float) -> float:
        took = time.monotonic() - started
        self.down += took
        self.outages.append(took)
        return took


def sample(loads: list[float], stop: threading.Event) -> None:
    """The 1-minute load average every 5 s until ``stop``."""
    while True:
        loads.append(os.getloadavg()[0])
        if stop.wait(5):
            return


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0–100)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def main(count: int | None = None, workers: int | None = None) -> dict[str, Any]:
    args = [int(x) for x in sys.argv[1:] if x.isdigit()]
    count = count or (args[0] if args else 1000)
    workers = workers or (args[1] if len(args) > 1 else 1)
    loads: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-exchange-") as tmp:
        a, b = pair(Path(tmp), workers=workers, job_workers=workers)
        for side in (a, b):
            # The test's sweep (every 2 s, re-sending triggers older than 3 s) is for 3
            # documents; with 1,000 queued it re-sends hundreds of triggers per run and keeps
            # the job worker busy sweeping. Production-like values here.
            side.env.update(VANTHU_JOB_SWEEP_SECONDS="30", VANTHU_JOB_RESEND_SECONDS="120")
        a.start()
        b.start()
        schedule = Schedule(b)
        try:
            a.ready()
            b.ready()
            configure(a, b)
            t0 = time.monotonic()
            schedule.thread.start()
            sampler = threading.Thread(target=sample, args=(loads, schedule.stop), daemon=True)
            sampler.start()
            a.peer("send", count=count, prefix="Tài liệu thử")
            queued = time.monotonic() - t0
            while True:
                outbox = a.peer("progress")["outbox"]
                if outbox.get("sent", 0) + outbox.get("dead", 0) >= count:
                    break
                time.sleep(5)
            elapsed = time.monotonic() - t0
            schedule.stop.set()
            schedule.thread.join()
            if b.proc is None:
                b.start()
            b.ready(timeout=600)
            report = a.peer("report")
            deliveries = a.peer("deliveries")
            received = b.peer("report")
        finally:
            schedule.stop.set()
            if schedule.thread.is_alive():
                schedule.thread.join(700)
            a.close()
            b.close()
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    sent = deliveries["sent"]
    latencies = [d["latency"] for d in sent if d["latency"] is not None]
    at_b = received["received"]
    result = {
        "count": count,
        "workers": workers,
        "queued_s": queued,
        "elapsed_s": elapsed,
        "down_s": schedule.down,
        "outages": len(schedule.outages),
        "outbox": report["outbox"],
        "attempts_max": report["attempts"],
        "attempts_total": report["attempts_total"],
        "latency_p50": percentile(latencies, 50),
        "latency_p95": percentile(latencies, 95),
        "latency_max": max(latencies),
        "received": len(at_b),
        "duplicates": (len(at_b) - len(set(at_b)))
        + (len(received["incoming"]) - len(set(received["incoming"]))),
        "lost": len({d["id"] for d in sent} - set(at_b)),
        "statuses": deliveries["statuses"],
        "applied": deliveries["applied"],
        "recipients": report["recipients"],
        "load_min": min(loads),
        "load_mean": statistics.fmean(loads),
        "load_max": max(loads),
        "cpu_s": cpu.ru_utime + cpu.ru_stime,
    }
    r = result
    print(f"documents: {count}, workers per side: {workers}, queued in {r['queued_s']:.1f} s")
    print(f"all delivered after {elapsed:.1f} s ({count / elapsed:.2f} documents/s)")
    print(
        f"receiver down {r['down_s']:.1f} s of {elapsed:.1f} s ({r['down_s'] / elapsed:.0%}), "
        f"{r['outages']} outages, longest {max(schedule.outages, default=0):.1f} s"
    )
    print(
        f"latency queued → delivered: p50 {r['latency_p50']:.1f} s, "
        f"p95 {r['latency_p95']:.1f} s, max {r['latency_max']:.1f} s"
    )
    retries = r["attempts_total"] - sum(r["outbox"].values())
    print(f"outbox: {r['outbox']}, most attempts for one message: {r['attempts_max']}")
    print(f"attempts: {r['attempts_total']} for {count} messages ({retries} retries)")
    print(f"received at B: {r['received']} packages, {len(received['incoming'])} documents")
    print(f"duplicates: {r['duplicates']}, lost: {r['lost']}")
    print(f"statuses back at A: {r['statuses']} (applied {r['applied']}), A's recipients:")
    print(f"  {r['recipients']}")
    print(
        f"load average (1 min) during the run: min {r['load_min']:.1f}, "
        f"mean {r['load_mean']:.1f}, max {r['load_max']:.1f}; "
        f"CPU of both installations: {r['cpu_s']:.0f} s"
    )
    return result


if __name__ == "__main__":
    main()
