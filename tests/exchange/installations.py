"""Two real Vanthu installations on loopback, each the other's partner (issue 9 item 5).

Each has its own data folder and SQLite database and runs ``vanthu serve`` (gunicorn with one
worker plus a Celery worker with its sweep); each is driven through ``tests.exchange.peer``.
Used by tests/exchange/test_two_installations.py and benchmarks/bench_exchange.py.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.exchange.keys import PASSPHRASE, make_key

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(check: Callable[[], Any], timeout: float, what: str, every: float = 0.3) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class Installation:
    def __init__(
        self,
        root: Path,
        code: str,
        name: str,
        symbol: str,
        *,
        workers: int = 1,
        job_workers: int = 1,
    ) -> None:
        self.code, self.name, self.symbol = code, name, symbol
        # gunicorn workers (receiving) and job workers (sending, one delivery each at a time).
        self.workers, self.job_workers = workers, job_workers
        self.data = root / code
        self.data.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.inbound = secrets.token_hex(20)  # the token the partner posts to our inbox with
        self.log = self.data / "serve.log"
        # Its exchange key, made now: every package and status it sends is signed (XML-DSig).
        key = self.data / "exchange-key.p12"
        self.certificate = make_key(key, name)
        self.proc: subprocess.Popen[bytes] | None = None
        self._peer: subprocess.Popen[str] | None = None
        env = {k: v for k, v in os.environ.items() if not k.startswith(("VANTHU_", "DJANGO_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="vanthu.settings",
            PYTHONPATH=os.pathsep.join([str(REPO / "src"), str(REPO)]),
            DATABASE_URL=f"sqlite:///{self.data / 'vanthu.sqlite3'}",
            VANTHU_DATA_DIR=str(self.data),
            VANTHU_BROKER_POLL_SECONDS="0.1",
            VANTHU_JOB_HEARTBEAT_SECONDS="1",
            # Backoff 0.5 s, 1 s, 2 s … so that a test sees several retries in seconds.
            VANTHU_JOB_RETRY_SECONDS="0.5",
            VANTHU_JOB_SWEEP_SECONDS="2",
            VANTHU_JOB_RESEND_SECONDS="3",
            VANTHU_LOG_LEVEL="WARNING",
            # On a loaded machine importing the app can take longer than gunicorn's 30 s worker
            # timeout, which then kills the worker before it ever answers.
            GUNICORN_CMD_ARGS="--timeout 120",
            VANTHU_EXCHANGE_KEY_P12=str(key),
            VANTHU_EXCHANGE_KEY_PASSPHRASE=PASSPHRASE,
        )
        self.env = env

    @property
    def inbox(self) -> str:
        return f"{self.url}/api/v1/exchange/inbox/"

    def start(self) -> None:
        cmd = [sys.executable, "-m", "vanthu.cli", "serve", "--host", "127.0.0.1"]
        cmd += ["--port", str(self.port), "--workers", str(self.workers)]
        cmd += ["--job-workers", str(self.job_workers)]
        out = self.log.open("ab")
        self.proc = subprocess.Popen(cmd, env=self.env, cwd=self.data, stdout=out, stderr=out)

    def ready(self, timeout: float = 150) -> None:
        wait_for(lambda: self._status("/dang-nhap/") == 200, timeout, f"{self.code} to answer")

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(40)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def _status(self, path: str) -> int:
        if self.proc is not None and self.proc.poll() is not None:
            raise AssertionError(f"{self.code} stopped:\n{self.tail()}")
        try:
            with urllib.request.urlopen(self.url + path, timeout=5) as answer:  # noqa: S310
                return int(answer.status)
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError:
            return 0

    def peer(self, action: str, **args: Any) -> Any:
        """Run ``action`` of tests/exchange/peer.py in this installation's environment.

        One peer process per installation answers every call (``peer --serve``): a process
        per call cost a Python and Django start-up, about 3 s of CPU, on every poll."""
        proc = self._peer
        if proc is None or proc.poll() is not None:
            proc = self._peer = subprocess.Popen(
                [sys.executable, "-m", "tests.exchange.peer", "--serve"],
                env=self.env,
                cwd=self.data,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=(self.data / "peer.log").open("ab"),
                text=True,
                encoding="utf-8",
            )
            weakref.finalize(self, _end, proc)
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(json.dumps({"action": action, "args": args}) + "\n")
        proc.stdin.flush()
        for line in proc.stdout:
            if not line.startswith('{"result": ') and not line.startswith('{"error": '):
                continue  # anything else a module printed
            answer = json.loads(line)
            if "error" in answer:
                raise AssertionError(f"peer {action} on {self.code}: {answer['error'][-3000:]}")
            return answer["result"]
        log = (self.data / "peer.log").read_text(errors="replace")
        raise AssertionError(f"peer {action} on {self.code} stopped: {log[-3000:]}")

    def close(self) -> None:
        """Stop the installation and its peer process."""
        self.stop()
        if self._peer is not None:
            _end(self._peer)
            self._peer = None

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def _end(peer: subprocess.Popen[str]) -> None:
    """A peer process ends when its stdin closes."""
    if peer.poll() is None:
        if peer.stdin is not None:
            peer.stdin.close()
        try:
            peer.wait(10)
        except subprocess.TimeoutExpired:
            peer.kill()
            peer.wait()


def migrated_copy(template: Installation, *others: Installation) -> None:
    """Migrate ``template``'s empty database once and give each of ``others`` a copy of it.

    Migrating a new database costs about 20 s of CPU (Django renders the model states of every
    migration); two installations starting at once on a loaded 2-core machine took minutes to
    answer. A copy is what each would have built: migrations hold no per-installation data
    (ids, keys and names come from ``configure``). ``vanthu serve`` still runs ``migrate``,
    which then has nothing to apply."""
    done = subprocess.run(
        [sys.executable, "-m", "vanthu.cli", "migrate", "--noinput", "-v", "0"],
        env=template.env,
        cwd=template.data,
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"migrate on {template.code}: {done.stderr.decode()[-3000:]}")
    with sqlite3.connect(template.data / "vanthu.sqlite3") as source:
        for other in others:
            with sqlite3.connect(other.data / "vanthu.sqlite3") as target:
                source.backup(target)  # a consistent copy, WAL included
            target.close()
    source.close()


def pair(
    root: Path, *, workers: int = 1, job_workers: int = 1
) -> tuple[Installation, Installation]:
    each = {"workers": workers, "job_workers": job_workers}
    a = Installation(root, "TUHN", "Thành ủy Hà Nội", "TU", **each)
    b = Installation(root, "TUHP", "Thành ủy Hải Phòng", "TU", **each)
    migrated_copy(a, b)
    return a, b


def configure(a: Installation, b: Installation) -> None:
    """Each installation knows the other as a partner: the token the other issued, and the
    other's certificate, against which every message from it is verified."""
    for me, other in ((a, b), (b, a)):
        me.peer(
            "setup",
            code=me.code,
            name=me.name,
            symbol=me.symbol,
            partner_code=other.code,
            partner_name=other.name,
            endpoint=other.inbox,
            inbound=me.inbound,
            outbound=other.inbound,
            certificate=other.certificate,
        )


def all_sent(inst: Installation, total: int) -> Any:
    report = inst.peer("report")
    return report if report["outbox"].get("sent", 0) == total else None
