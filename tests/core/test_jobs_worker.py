"""Jobs through a real Celery worker process, on the embedded folder broker and on Redis."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from tests.core import processes
from vanthu.core import jobs
from vanthu.core.models import Job, JobStatus

pytestmark = [pytest.mark.slow]

# For a job once the worker is ready (processes.worker waits for that, however loaded the
# machine is): a job of this module runs in milliseconds.
WORKER_TIMEOUT = 20


def _done(job: Job) -> Job | None:
    job.refresh_from_db()
    return job if job.status == JobStatus.DONE else None


def _enqueue_and_see_done(log: Path) -> None:
    with transaction.atomic():
        first = jobs.enqueue("core.echo", {"n": 1, "tên": "Thành ủy"})
        second = jobs.enqueue("core.echo", {"n": 2}, queue="ocr")
    for job in (first, second):
        try:
            processes.wait_for(lambda j=job: _done(j), WORKER_TIMEOUT, f"job {job.pk} done")
        except AssertionError:
            raise AssertionError(processes.tail(log)) from None
    first.refresh_from_db()
    assert first.result == {"echo": {"n": 1, "tên": "Thành ủy"}}
    assert first.attempts == 1
    assert first.started_at is not None and first.finished_at is not None


@pytest.fixture(scope="module")
def folder_worker(
    django_db_setup: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, Path]]:
    """One worker on one folder broker for the tests of this module that use that broker:
    starting a worker costs about 3.5 s of CPU (importing the app). Each test still sees an
    empty job table (``transactional_db``) and checks the folder the worker takes from."""
    folder = tmp_path_factory.mktemp("folder-broker")
    env = processes.child_env(folder)
    log = folder / "worker.log"
    with processes.worker(env, log):
        yield folder, log


def _queue_emptied(folder: Path) -> None:
    """Every message was taken (acknowledged after its run): none left, none half-written."""
    inbox = folder / "queue" / "in"
    processes.wait_for(lambda: not any(inbox.iterdir()), WORKER_TIMEOUT, "the queue emptied")


def test_worker_on_folder_broker_runs_jobs_enqueued_here(
    transactional_db: Any, folder_worker: tuple[Path, Path]
) -> None:
    folder, log = folder_worker
    with processes.broker(folder):
        _enqueue_and_see_done(log)
    _queue_emptied(folder)


@pytest.mark.redis
def test_worker_on_redis_broker_runs_jobs_enqueued_here(
    transactional_db: Any, tmp_path: Path
) -> None:
    url, prefix = "redis://127.0.0.1:6379/13", processes.key_prefix()
    env = processes.child_env(tmp_path, broker_url=url, key_prefix=prefix)
    log = tmp_path / "worker.log"
    with processes.broker(tmp_path, url, prefix), processes.worker(env, log):
        _enqueue_and_see_done(log)


def test_sweep_resends_a_lost_trigger_and_requeues_a_dead_workers_job(
    transactional_db: Any, folder_worker: tuple[Path, Path]
) -> None:
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    # A job whose message never reached the broker (the row exists, nothing was sent).
    lost = Job.objects.create(
        kind="core.echo", payload={"lost": True}, run_after=long_ago, sent_at=long_ago, sends=1
    )
    # A job a worker claimed and then died on: running, heartbeat an hour old.
    orphan = Job.objects.create(
        kind="core.echo",
        payload={"orphan": True},
        status=JobStatus.RUNNING,
        attempts=1,
        run_after=long_ago,
        sent_at=long_ago,
        sends=1,
        started_at=long_ago,
        heartbeat_at=long_ago,
    )
    folder, log = folder_worker
    with processes.broker(folder):
        counts = jobs.sweep()
        assert counts["resent"] == 1 and counts["requeued"] == 1
        for job in (lost, orphan):
            try:
                processes.wait_for(lambda j=job: _done(j), WORKER_TIMEOUT, f"job {job.pk} done")
            except AssertionError:
                raise AssertionError(processes.tail(log)) from None
        # Done exactly once: a second sweep finds nothing to do, the run count stays.
        assert jobs.sweep()["resent"] == jobs.sweep()["requeued"] == 0
    _queue_emptied(folder)
    orphan.refresh_from_db()
    assert orphan.attempts == 2 and orphan.result == {"echo": {"orphan": True}}
    assert orphan.error == ""
    lost.refresh_from_db()
    assert lost.attempts == 1 and lost.result == {"echo": {"lost": True}}
