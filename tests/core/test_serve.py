"""``vanthu serve``: web and worker come up together and stop together."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.core import processes
from vanthu.core import jobs
from vanthu.core.models import Job, JobStatus

pytestmark = [pytest.mark.slow]


def _children(pid: int) -> dict[int, str]:
    """Child pids of ``pid`` and their command lines, read from /proc (Linux)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found[int(stat.parent.name)] = cmdline
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 (a local URL)
            return int(answer.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def _serve(tmp_path: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = processes.child_env(tmp_path)
    cmd = [sys.executable, "-m", "vanthu.cli", "serve", "--host", "127.0.0.1"]
    cmd += ["--port", str(port), "--workers", "1", "--job-workers", "1"]
    with log.open("wb") as out:
        return subprocess.Popen(cmd, env=env, cwd=tmp_path, stdout=out, stderr=out)


def test_serve_answers_runs_jobs_and_stops_cleanly_on_ctrl_c(
    transactional_db: Any, tmp_path: Path
) -> None:
    port, log = _free_port(), tmp_path / "serve.log"
    base = f"http://127.0.0.1:{port}"
    serve = _serve(tmp_path, port, log)
    try:
        processes.wait_for(lambda: _status(f"{base}/dang-nhap/") == 200, 40, "the login page")
        assert _status(f"{base}/api/schema/") == 200
        children = _children(serve.pid)
        assert len(children) == 2, children
        with processes.broker(tmp_path):
            job = jobs.enqueue("core.echo", {"serve": True})
            processes.wait_for(
                lambda: Job.objects.get(pk=job.pk).status == JobStatus.DONE, 30, "the job done"
            )
        serve.send_signal(signal.SIGINT)
        assert serve.wait(40) == 0, processes.tail(log)
        processes.wait_for(lambda: not any(map(_running, children)), 5, "children gone")
        assert "Đã dừng Vanthu." in log.read_text()
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()


@pytest.mark.once
def test_serve_stops_the_web_and_fails_when_the_worker_dies(
    transactional_db: Any, tmp_path: Path
) -> None:
    port, log = _free_port(), tmp_path / "serve.log"
    serve = _serve(tmp_path, port, log)
    try:
        processes.wait_for(lambda: _status(f"http://127.0.0.1:{port}/dang-nhap/") == 200, 40, "web")
        children = _children(serve.pid)
        [worker] = [pid for pid, cmd in children.items() if " celery " in cmd]
        processes.wait_for(lambda: bool(_children(worker)), 40, "the worker's pool")
        pool = _children(worker)
        os.kill(worker, signal.SIGKILL)
        assert serve.wait(40) != 0
        # Nothing is left behind: neither the web server nor the dead worker's pool processes.
        processes.wait_for(lambda: not any(map(_running, {**children, **pool})), 5, "children gone")
        assert "đã dừng bất thường" in log.read_text()
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()
