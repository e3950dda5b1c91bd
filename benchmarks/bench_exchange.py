"""Delivery between two installations with the receiver down a third of the time (issue 9).

Starts two real installations on loopback (tests/exchange/installations.py), queues N documents
at A for B, and cycles B: up 10 s, down 5 s, until every message is sent. Reports the delivery
time, the retries, and duplicates at B (must be 0).

Every message travels signed (XML-DSig) and is verified, as in production with keys.

Run: ``.venv/bin/python benchmarks/bench_exchange.py [N] [WORKERS]`` (default 1,000 and 1).
WORKERS > 1 runs that many job workers (concurrent deliveries) and gunicorn workers per side.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from tests.exchange.installations import configure, pair  # noqa: E402

UP_SECONDS, DOWN_SECONDS = 10.0, 5.0


def main(count: int | None = None, workers: int | None = None) -> None:
    args = [int(x) for x in sys.argv[1:] if x.isdigit()]
    count = count or (args[0] if args else 1000)
    workers = workers or (args[1] if len(args) > 1 else 1)
    with tempfile.TemporaryDirectory(prefix="bench-exchange-") as tmp:
        a, b = pair(Path(tmp), workers=workers, job_workers=workers)
        for side in (a, b):
            # The test's sweep (every 2 s, re-sending triggers older than 3 s) is for 3
            # documents; with 1,000 queued it re-sends hundreds of triggers per run and keeps
            # the job worker busy sweeping. Production-like values here.
            side.env.update(VANTHU_JOB_SWEEP_SECONDS="30", VANTHU_JOB_RESEND_SECONDS="120")
        a.start()
        b.start()
        stop = threading.Event()
        down_time = 0.0
        toggler: threading.Thread | None = None
        try:
            a.ready()
            b.ready()
            configure(a, b)
            t0 = time.monotonic()

            def cycle() -> None:
                nonlocal down_time
                while not stop.wait(UP_SECONDS):
                    started = time.monotonic()
                    b.stop()
                    if stop.wait(DOWN_SECONDS):
                        down_time += time.monotonic() - started
                        return  # never bring B back up behind the caller's back
                    b.start()
                    try:
                        b.ready()
                    except AssertionError as exc:  # slow to start on a loaded machine
                        print(f"B slow to start: {exc}", file=sys.stderr)
                    # Down until it answers again: stopping and starting count too (on a
                    # loaded machine a restart alone can take a minute).
                    down_time += time.monotonic() - started

            toggler = threading.Thread(target=cycle, daemon=True)
            toggler.start()
            a.peer("send", count=count, prefix="Tài liệu thử")
            queued = time.monotonic() - t0
            while True:
                report = a.peer("report")
                if report["outbox"].get("sent", 0) + report["outbox"].get("dead", 0) >= count:
                    break
                time.sleep(5)
            elapsed = time.monotonic() - t0
            stop.set()
            toggler.join()
            if b.proc is None:
                b.start()
            b.ready()
            received = b.peer("report")
        finally:
            stop.set()
            if toggler is not None:
                toggler.join(60)
            a.stop()
            b.stop()
    duplicates = len(received["incoming"]) - len(set(received["incoming"]))
    print(f"documents: {count}, workers per side: {workers}, queued in {queued:.1f} s")
    print(f"all delivered after {elapsed:.1f} s ({count / elapsed:.1f} documents/s)")
    print(f"receiver down {down_time:.1f} s of {elapsed:.1f} s ({down_time / elapsed:.0%})")
    print(f"outbox: {report['outbox']}, most attempts for one message: {report['attempts']}")
    retries = report["attempts_total"] - sum(report["outbox"].values())
    print(f"attempts: {report['attempts_total']} for {count} messages ({retries} retries)")
    print(f"received at B: {len(received['received'])} packages, {len(received['incoming'])} docs")
    print(f"duplicates: {duplicates + len(received['received']) - len(set(received['received']))}")
    print(f"status 01 back at A: {report['recipients']}")


if __name__ == "__main__":
    main()
