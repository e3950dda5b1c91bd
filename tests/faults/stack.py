"""A lighter production stack for fault tests: everything it runs may be killed.

Like tests/production/stack.py (same deploy unit files, same ExecStart lines) but with a
PostgreSQL cluster and a Redis server of its own (tests/faults/pg.py), so that stopping the
database or the broker disturbs nobody else, and without nginx (gunicorn is reached directly).
The job timings are shortened so that recovery is seen in seconds: heartbeats every second,
a job is stale after 6 s, beat sweeps every 3 s, triggers are re-sent after 5 s, a blob
temporary untouched for 8 s is a killed writer's and removed by the sweep.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests

from tests.faults import pg
from tests.production.stack import (
    BIN,
    QUEUES,
    Stack,
    Unavailable,
    _answers,
    _exec_start,
    _free_port,
    wait,
)

BLOB_TEMP_MAX_AGE = 8


@dataclass
class FaultStack:
    stack: Stack
    cluster: pg.Cluster
    redis_port: int
    web_port: int
    data: Path

    @property
    def base(self) -> str:
        return self.stack.base

    def session(self, username: str) -> requests.Session:
        return self.stack.session(username)

    def start_web(self) -> None:
        argv = _exec_start("vanthu-web@.service", str(self.web_port), self.stack.env)
        self.stack.start("web", argv)
        wait(lambda: _up(self.base), 300, "gunicorn to answer", self.stack)

    def start_worker(self, queue: str) -> None:
        self.stack.start(
            f"worker-{queue}", _exec_start("vanthu-worker@.service", queue, self.stack.env)
        )

    def start_redis(self) -> None:
        self.stack.start(
            "redis",
            [
                str(shutil.which("redis-server")),
                "--port", str(self.redis_port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", str(self.stack.folder),
            ],
        )  # fmt: skip
        wait(lambda: _answers(self.redis_port), 30, "redis to answer", self.stack)

    def vanthu(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN / "vanthu"), *args],
            env=self.stack.env,
            cwd=self.stack.folder,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def blob_temporaries(self) -> list[str]:
        """Temporaries in the blob store: ``tmp/blob-*``, and hidden names in blob folders."""
        store = self.data / "blobs"
        return sorted(
            str(p.relative_to(store))
            for p in store.rglob("*")
            if p.name.startswith(("blob-", ".blob-")) and p.is_file()
        )

    def sql(self, query: str) -> list[list[str]]:
        out = self.cluster.psql(query, dbname="vanthu")
        return [line.split("|") for line in out.splitlines() if line]


def _up(base: str) -> bool:
    try:
        return requests.get(f"{base}/dang-nhap/", timeout=30).ok
    except requests.RequestException:
        return False


def available() -> None:
    reason = pg.available()
    if reason:
        raise Unavailable(reason, "VANTHU_TEST_POSTGRES")
    if not shutil.which("redis-server"):
        raise Unavailable("redis-server (Debian package redis-server)", "VANTHU_TEST_REDIS")


@contextlib.contextmanager
def fault_stack(folder: Path, *, queues: tuple[str, ...] = QUEUES) -> Iterator[FaultStack]:
    """Own PostgreSQL and Redis, one gunicorn (2 workers), a worker per queue, beat."""
    available()
    data = folder / "data"
    data.mkdir(parents=True)
    cluster = pg.primary(folder / "pg")
    st: Stack | None = None
    try:
        cluster.psql("CREATE DATABASE vanthu")
        redis_port, web_port = _free_port(), _free_port()
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("VANTHU_", "DJANGO_", "DATABASE"))
        }
        env.update(
            {
                "VANTHU_DATA_DIR": str(data),
                "DATABASE_URL": cluster.url("vanthu"),
                "VANTHU_BROKER_URL": f"redis://127.0.0.1:{redis_port}/0",
                "VANTHU_SECRET_KEY": uuid.uuid4().hex * 2,
                "VANTHU_SECURITY_ZONE": "connected",
                "VANTHU_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "VANTHU_WEB_WORKERS": "2",
                "VANTHU_WORKER_CONCURRENCY": "1",
                "VANTHU_JOB_SWEEP_SECONDS": "3",
                "VANTHU_JOB_HEARTBEAT_SECONDS": "1",
                "VANTHU_JOB_STALE_SECONDS": "6",
                "VANTHU_JOB_RESEND_SECONDS": "5",
                "VANTHU_JOB_RETRY_SECONDS": "2",
                # A killed writer's blob temporary is removed by the sweep within seconds.
                "VANTHU_BLOB_TEMP_MAX_AGE_SECONDS": str(BLOB_TEMP_MAX_AGE),
                "VANTHU_LOG_LEVEL": "WARNING",
                "DJANGO_SETTINGS_MODULE": "vanthu.settings",
            }
        )
        st = Stack(
            base=f"http://127.0.0.1:{web_port}",
            http_base=f"http://127.0.0.1:{web_port}",
            ca=folder / "no-ca.pem",
            folder=folder,
            env=env,
        )
        fs = FaultStack(st, cluster, redis_port, web_port, data)
        done = fs.vanthu("migrate", "--noinput")
        assert done.returncode == 0, done.stderr[-3000:]
        seed(env, folder)
        fs.start_redis()
        for queue in queues:
            fs.start_worker(queue)
        st.start("beat", _exec_start("vanthu-beat.service", "", env))
        fs.start_web()
        yield fs
    finally:
        if st is not None:
            st.stop_all()
        pg.stop_quietly(cluster)


def seed(env: dict[str, str], cwd: Path) -> None:
    """One committee and its clerk ``vanthu`` (tests/faults/seed.py; ``vanthu demo`` is slow)."""
    script = Path(__file__).with_name("seed.py")
    done = subprocess.run(
        [str(BIN / "python"), str(script)], env=env, cwd=cwd, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]


def settle(fs: FaultStack, timeout: float = 120) -> None:
    """Wait until no job is waiting or running (the sweep re-sends what a fault lost)."""

    def idle() -> bool:
        rows = fs.sql("SELECT count(*) FROM core_job WHERE status IN ('waiting', 'running')")
        return rows[0][0] == "0"

    wait(idle, timeout, "every job to finish", fs.stack)


def settle_index(fs: FaultStack, timeout: float = 120) -> None:
    """Wait until no search entry is pending (the beat sweep writes what a kill left)."""

    def idle() -> bool:
        return fs.sql("SELECT count(*) FROM search_pendingentry")[0][0] == "0"

    wait(idle, timeout, "every pending search entry to be written", fs.stack)


def pause(seconds: float) -> None:
    time.sleep(seconds)
