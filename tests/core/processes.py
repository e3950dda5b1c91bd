"""Helpers for tests that start real Vanthu processes (a Celery worker, ``vanthu serve``).

The child runs the production settings (``vanthu.settings``) against this test run's database
(``DATABASE_URL``) and a broker of its own (a data folder, or a Redis key prefix), and this
process's Celery app is pointed at the same broker, so jobs enqueued here reach that child.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import kombu.pools
from django.db import connection

from vanthu import config
from vanthu.celery import app

REPO = Path(__file__).resolve().parents[2]


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    auth = db["USER"] or "postgres"
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def child_env(data_dir: Path, broker_url: str = "", key_prefix: str = "") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VANTHU_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="vanthu.settings",
        PYTHONPATH=os.pathsep.join([str(REPO / "src"), str(REPO)]),
        DATABASE_URL=database_url(),
        VANTHU_DATA_DIR=str(data_dir),
        VANTHU_SECURITY_ZONE="isolated",
        VANTHU_BROKER_URL=broker_url,
        VANTHU_BROKER_KEY_PREFIX=key_prefix,
        VANTHU_BROKER_POLL_SECONDS="0.2",
        VANTHU_JOB_HEARTBEAT_SECONDS="1",
        VANTHU_LOG_LEVEL="INFO",
        # No connection outlives its request or task: test teardown truncates tables.
        VANTHU_CONN_MAX_AGE="0",
    )
    return env


@contextmanager
def broker(data_dir: Path, url: str = "", key_prefix: str = "") -> Iterator[None]:
    """Point this process's Celery app at the broker a child with ``child_env`` uses."""
    saved = {k: app.conf[k] for k in ("broker_url", "broker_transport_options")}
    old_env = {k: os.environ.get(k) for k in ("VANTHU_BROKER_URL", "VANTHU_BROKER_KEY_PREFIX")}
    os.environ["VANTHU_BROKER_URL"] = url
    os.environ["VANTHU_BROKER_KEY_PREFIX"] = key_prefix
    try:
        app.conf.broker_url = config.broker_url()
        app.conf.broker_transport_options = config.broker_transport_options(data_dir)
        _reset_pools()
        yield
    finally:
        for k, v in old_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        app.conf.update(saved)
        _reset_pools()


def _reset_pools() -> None:
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    # kombu keeps producer pools in a registry of its own, keyed by connection: without this,
    # pointing the app at a broker it used before hands back the pool closed above.
    kombu.pools.reset()


def key_prefix() -> str:
    return f"vanthu-test-{uuid.uuid4().hex[:12]}:"


def wait_for(check: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


WORKER_START_TIMEOUT = 300


@contextmanager
def worker(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A real ``celery -A vanthu worker`` (solo pool) on every job queue."""
    cmd = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "vanthu",
        "worker",
        "--pool=solo",
        "--loglevel=INFO",
        "--without-mingle",
        "--without-gossip",
        "--without-heartbeat",
        "-Q",
        "default,ocr,index,exchange,fixity",
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, env=env, cwd=env["VANTHU_DATA_DIR"], stdout=out, stderr=out)
        try:
            # Ready before the caller's clock starts: the start (about 3.5 s of CPU) can take
            # a minute on a loaded machine, a job a few milliseconds.
            wait_for(
                lambda: proc.poll() is not None or b" ready." in log.read_bytes(),
                WORKER_START_TIMEOUT,
                "the worker to be ready",
            )
            assert proc.poll() is None, tail(log)
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def tail(log: Path, lines: int = 40) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
