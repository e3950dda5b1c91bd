"""``vanthu serve``: one command that brings up a working system (docs/running.md).

Applies pending migrations, then runs two children: gunicorn (the web UI and API) and a Celery
worker with embedded beat (the jobs and their sweep). Ctrl-C or SIGTERM stops both and exits
0; if either child dies, the other is stopped and the command exits non-zero.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from vanthu.celery import JOB_QUEUES

STOP_GRACE_SECONDS = 20


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM if ``vanthu serve`` itself is killed (no orphans)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class Command(BaseCommand):
    help = "Chạy máy chủ web (gunicorn) và tiến trình xử lý việc nền (Celery) cùng lúc."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2, help="số tiến trình gunicorn")
        parser.add_argument(
            "--job-workers",
            type=int,
            default=int(os.environ.get("VANTHU_JOB_CONCURRENCY", "2")),
            help="số tiến trình Celery chạy việc nền",
        )
        parser.add_argument("--no-migrate", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1 or options["job_workers"] < 1:
            raise CommandError("--workers và --job-workers phải ít nhất là 1.")
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=1)
        env = dict(os.environ)
        # OCR (Tesseract) in each worker process uses one core: the pool is the parallelism.
        env.setdefault("OMP_THREAD_LIMIT", "1")
        web = [
            sys.executable,
            "-m",
            "gunicorn",
            "vanthu.wsgi:application",
            "--bind",
            f"{options['host']}:{options['port']}",
            "--workers",
            str(options["workers"]),
            "--access-logfile",
            "-",
            "--graceful-timeout",
            "10",
        ]
        worker = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "vanthu",
            "worker",
            "--beat",
            "--schedule",
            str(settings.CELERY_BEAT_SCHEDULE_FILENAME),
            "--queues",
            ",".join(JOB_QUEUES),
            "--concurrency",
            str(options["job_workers"]),
            "--loglevel",
            "INFO",
            "--without-mingle",
            "--without-gossip",
        ]
        stopping: list[int] = []

        def on_signal(signum: int, frame: FrameType | None) -> None:
            stopping.append(signum)

        old = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        children: dict[str, subprocess.Popen[bytes]] = {}
        try:
            for name, cmd in (("web", web), ("worker", worker)):
                # A process group of its own: a terminal's Ctrl-C reaches only this command,
                # which then stops the children in order.
                children[name] = subprocess.Popen(  # noqa: S603 (our own fixed command lines)
                    cmd, env=env, process_group=0, preexec_fn=_die_with_parent
                )
            self.stdout.write(
                f"Vanthu đang chạy tại http://{options['host']}:{options['port']}/ "
                f"(web pid {children['web'].pid}, việc nền pid {children['worker'].pid}). "
                "Nhấn Ctrl-C để dừng."
            )
            dead = self._watch(children, stopping)
        finally:
            self._stop(children)
            for s, handler in old.items():
                signal.signal(s, handler)
        if dead:
            raise CommandError(
                f"Tiến trình {dead} đã dừng bất thường (mã {children[dead].returncode}); "
                "đã dừng các tiến trình còn lại."
            )
        self.stdout.write("Đã dừng Vanthu.")

    def _watch(self, children: dict[str, subprocess.Popen[bytes]], stopping: list[int]) -> str:
        """Wait for a stop signal ("" returned) or a child's death (its name returned)."""
        while not stopping:
            for name, proc in children.items():
                if proc.poll() is not None:
                    return name
            time.sleep(0.3)
        return ""

    def _stop(self, children: dict[str, subprocess.Popen[bytes]]) -> None:
        for proc in children.values():
            if proc.poll() is None:
                proc.terminate()  # gunicorn and Celery both shut down gracefully on SIGTERM
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for proc in children.values():
            try:
                proc.wait(max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for proc in children.values():
            # Each child leads a process group of its own: whatever it left behind when it
            # died (Celery's pool processes outlive a killed worker) goes with it.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
