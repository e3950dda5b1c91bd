"""Orphan files (issue #11): what the sweep's cleanup of killed writers' temporaries costs.

A local blob store in a scratch folder with ``BENCH_ORPHANS_BLOBS`` (200,000) blobs spread as
the real store spreads them (``<sha[:2]>/<sha[2:4]>/<sha>``, small files: only names count
here), 20 stale ``tmp/blob-*`` and 20 stale hidden ``.blob-*`` temporaries among the blob
folders. Then, CPU time (``time.process_time``) of:

- the sweep's part (``remove_stale_temporaries``): ``tmp/`` and one of the 256 top folders;
- the whole walk that ``vanthu verify`` does (``stale_temporaries()``, every folder).

Run: ``.venv/bin/python -m benchmarks bench_orphans``. The scratch folder is removed at the end.
"""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

BLOBS = int(os.environ.get("BENCH_ORPHANS_BLOBS", "200000"))
REPEAT = int(os.environ.get("BENCH_ORPHANS_REPEAT", "5"))


def _fill(store: Path) -> None:
    old = time.time() - 10 * 3600
    for i in range(BLOBS):
        sha = hashlib.sha256(i.to_bytes(8, "big")).hexdigest()
        folder = store / sha[:2] / sha[2:4]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / sha).write_bytes(b"x")
        if i % (BLOBS // 20) == 0:
            hidden = folder / f".blob-{i:08d}"
            hidden.write_bytes(b"half")
            os.utime(hidden, (old, old))
    (store / "tmp").mkdir()
    for i in range(20):
        stale = store / "tmp" / f"blob-{i:08d}"
        stale.write_bytes(b"half")
        os.utime(stale, (old, old))


def _cpu(fn: object, repeat: int = REPEAT) -> float:
    """Median CPU milliseconds of ``fn()`` over ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()  # type: ignore[operator]
        times.append((time.process_time() - start) * 1000)
    return sorted(times)[len(times) // 2]


def main() -> None:
    from django.conf import settings

    work = Path(tempfile.mkdtemp(prefix="vanthu-bench-orphans-"))
    try:
        store = work / "blobs"
        if not settings.configured:
            settings.configure(VANTHU_STORAGE=str(store), VANTHU_BLOB_BACKEND="local")
        else:
            settings.VANTHU_STORAGE = str(store)
        settings.VANTHU_BLOB_TEMP_MAX_AGE_SECONDS = 3600
        tempfile.tempdir = str(work)  # the sweep's look at the system temporary folder: ours
        from vanthu.core import blobstore

        start = time.process_time()
        _fill(store)
        print(f"store: {BLOBS} blobs written in {time.process_time() - start:.1f} s CPU")
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores; load {os.getloadavg()}")
        found = blobstore.stale_temporaries()
        assert len(found) == 40, len(found)
        whole = _cpu(blobstore.stale_temporaries)
        # The sweep at a fixed minute (the top folder "00"), so repeats compare alike.
        minute = (int(time.time() // 60 // 256) * 256 + 256) * 60.0
        sweep = _cpu(lambda: blobstore.remove_stale_temporaries(minute))
        removed = sum(1 for p in found if not p.exists())
        print(f"sweep (tmp/ + one top folder): {sweep:.2f} ms CPU, median of {REPEAT}")
        print(f"  removed on its first run: {removed} (20 in tmp/, and those in folder 00)")
        print(f"verify's whole walk: {whole:.1f} ms CPU, median of {REPEAT}")
        print(f"load average after: {os.getloadavg()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
