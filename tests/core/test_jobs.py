"""Database-backed jobs in one process: enqueue, claim, retry, sweep (vanthu.core.jobs)."""

from __future__ import annotations

import datetime
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from tests.core import processes
from vanthu.core import jobs
from vanthu.core.models import Job

calls: list[dict[str, Any]] = []


@jobs.handler("tests.count")
def count(payload: dict[str, Any]) -> dict[str, Any]:
    calls.append(payload)
    if payload.get("then"):
        jobs.enqueue("tests.count", {"n": payload["then"]})
    return {"calls": len(calls)}


@jobs.handler("tests.boom")
def boom(payload: dict[str, Any]) -> None:
    raise RuntimeError(f"hỏng lần {payload.get('n', 0)}")


@jobs.handler("tests.bad_payload")
def bad_payload(payload: dict[str, Any]) -> None:
    raise jobs.PermanentError("Không tìm thấy tệp.")


@jobs.handler("tests.slow")
def slow(payload: dict[str, Any]) -> dict[str, Any]:
    time.sleep(payload["seconds"])
    return {}


@jobs.handler("tests.requeued_meanwhile")
def requeued_meanwhile(payload: dict[str, Any]) -> dict[str, Any]:
    # What the sweep and a second worker do to a job whose first worker looked dead.
    Job.objects.filter(pk=payload["job"]).update(attempts=2)
    return {"stale": True}


@pytest.fixture(autouse=True)
def _reset_calls() -> None:
    calls.clear()


@pytest.fixture
def queue_dir(tmp_path: Path) -> Any:
    with processes.broker(tmp_path):
        yield tmp_path / "queue" / "in"


def _messages(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.endswith(".msg"))


def test_enqueue_stores_a_waiting_job_and_sends_its_trigger_after_commit(
    db: Any, queue_dir: Path, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.enqueue("tests.count", {"file_id": 7}, queue="ocr")
        assert _messages(queue_dir) == []
    job.refresh_from_db()
    assert (job.status, job.queue, job.attempts) == ("waiting", "ocr", 0)
    assert job.payload == {"file_id": 7}
    [message] = _messages(queue_dir)
    assert message.name.endswith(".ocr.msg")


def test_a_rolled_back_change_leaves_no_job_and_no_message(db: Any, queue_dir: Path) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        jobs.enqueue("tests.count", {})
        raise RuntimeError("the caller's change failed")
    assert not Job.objects.exists()
    assert _messages(queue_dir) == []


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"queue": "khong-co"}, ValueError),
        ({"max_attempts": 0}, ValueError),
        ({"payload": {"when": datetime.datetime(2026, 1, 1)}}, TypeError),
    ],
)
def test_bad_enqueue_is_refused_and_stores_nothing(
    db: Any, queue_dir: Path, kwargs: dict[str, Any], error: type[Exception]
) -> None:
    payload = kwargs.pop("payload", {})
    with pytest.raises(error):
        jobs.enqueue("tests.count", payload, **kwargs)
    assert not Job.objects.exists()
    assert _messages(queue_dir) == []


def test_dedupe_key_returns_the_live_job_until_it_is_done(db: Any, queue_dir: Path) -> None:
    first = jobs.enqueue("tests.count", {"doc": 1}, queue="index", dedupe_key="index:doc:1")
    again = jobs.enqueue("tests.count", {"doc": 1}, queue="index", dedupe_key="index:doc:1")
    assert again.pk == first.pk and Job.objects.count() == 1
    assert jobs.run_pending() == 1
    later = jobs.enqueue("tests.count", {"doc": 1}, queue="index", dedupe_key="index:doc:1")
    assert later.pk != first.pk


def test_run_job_runs_once_however_many_triggers_arrive(db: Any, queue_dir: Path) -> None:
    job = jobs.enqueue("tests.count", {"n": 1})
    for _ in range(3):
        jobs.run_job(job.pk)
    job.refresh_from_db()
    assert calls == [{"n": 1}]
    assert (job.status, job.attempts, job.result) == ("done", 1, {"calls": 1})
    assert job.started_at is not None and job.finished_at is not None
    jobs.run_job(987654)  # a trigger for a job that does not exist does nothing


def test_a_failing_job_is_retried_with_backoff_then_failed(db: Any, queue_dir: Path) -> None:
    job = jobs.enqueue("tests.boom", {"n": 1}, max_attempts=2)
    assert jobs.run_pending() == 1
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("waiting", 1)
    assert "RuntimeError: hỏng lần 1" in job.error
    assert job.run_after > timezone.now() + datetime.timedelta(seconds=20)
    assert jobs.run_pending() == 0  # not due yet; a trigger now does nothing either
    jobs.run_job(job.pk)
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
    assert jobs.run_pending() == 1
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("failed", 2)
    assert job.finished_at is not None


def test_retry_delay_doubles_and_is_capped() -> None:
    assert [jobs.retry_delay(n) for n in (1, 2, 3)] == [30, 60, 120]
    assert jobs.retry_delay(30) == 3600


def test_permanent_error_and_unknown_kind_fail_at_once(db: Any, queue_dir: Path) -> None:
    bad = jobs.enqueue("tests.bad_payload", {})
    unknown = jobs.enqueue("khong.co.loai.nay", {})
    assert jobs.run_pending() == 2
    bad.refresh_from_db()
    unknown.refresh_from_db()
    assert (bad.status, bad.attempts) == ("failed", 1)
    assert "Không tìm thấy tệp." in bad.error
    assert unknown.status == "failed"
    assert "Không có bộ xử lý cho loại việc 'khong.co.loai.nay'" in unknown.error


def test_run_pending_runs_jobs_that_jobs_enqueue_and_honours_limit(
    db: Any, queue_dir: Path
) -> None:
    jobs.enqueue("tests.count", {"n": 1, "then": 2})
    jobs.enqueue("tests.count", {"n": 3})
    assert jobs.run_pending(limit=1) == 1
    assert jobs.run_pending() == 2
    assert sorted(c["n"] for c in calls) == [1, 2, 3]
    assert not Job.objects.exclude(status="done").exists()


def test_eager_setting_runs_the_job_when_the_transaction_commits(
    db: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with (
        override_settings(CELERY_TASK_ALWAYS_EAGER=True),
        django_capture_on_commit_callbacks(execute=True),
    ):
        job = jobs.enqueue("tests.count", {"n": 5})
        assert calls == []
    job.refresh_from_db()
    assert job.status == "done" and calls == [{"n": 5}]


def test_a_run_whose_job_was_requeued_meanwhile_does_not_overwrite_it(
    db: Any, queue_dir: Path
) -> None:
    job = jobs.enqueue("tests.requeued_meanwhile", {})
    Job.objects.filter(pk=job.pk).update(payload={"job": job.pk})
    jobs.run_job(job.pk)
    job.refresh_from_db()
    assert (job.status, job.result, job.attempts) == ("running", None, 2)


def test_sweep_fails_a_dead_workers_job_after_max_attempts_and_spares_live_ones(
    db: Any, queue_dir: Path
) -> None:
    now = timezone.now()
    hour_ago = now - datetime.timedelta(hours=1)
    dead = Job.objects.create(
        kind="tests.count", status="running", attempts=3, max_attempts=3, heartbeat_at=hour_ago
    )
    alive = Job.objects.create(kind="tests.count", status="running", attempts=1, heartbeat_at=now)
    counts = jobs.sweep()
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert counts["failed"] == 1 and counts["requeued"] == 0
    assert dead.status == "failed" and "ngừng báo hiệu" in dead.error
    assert alive.status == "running"
    assert _messages(queue_dir) == []


def test_sweep_resends_with_backoff_and_only_when_due(db: Any, queue_dir: Path) -> None:
    now = timezone.now()
    old = now - datetime.timedelta(minutes=10)
    lost = Job.objects.create(kind="tests.count", run_after=old, sent_at=old, sends=1)
    fresh = Job.objects.create(kind="tests.count", run_after=now, sent_at=now, sends=1)
    Job.objects.create(  # a retry not yet due
        kind="tests.count", run_after=now + datetime.timedelta(minutes=5), sent_at=old, sends=2
    )
    # Re-sent many times already: the next re-send waits 32 × 120 s.
    Job.objects.create(kind="tests.count", run_after=old, sent_at=old, sends=9)
    assert jobs.sweep(now)["resent"] == 1
    assert len(_messages(queue_dir)) == 1
    lost.refresh_from_db()
    assert lost.sends == 2
    # Two minutes on, the fresh job is overdue; the re-sent one waits for its doubled interval.
    assert jobs.sweep(now + datetime.timedelta(minutes=2, seconds=1))["resent"] == 1
    fresh.refresh_from_db()
    lost.refresh_from_db()
    assert (fresh.sends, lost.sends) == (2, 2)
    assert jobs.sweep(now + datetime.timedelta(minutes=4, seconds=1))["resent"] == 1
    lost.refresh_from_db()
    assert lost.sends == 3


def test_sweep_forgets_done_jobs_after_the_keep_period(db: Any, queue_dir: Path) -> None:
    old = timezone.now() - datetime.timedelta(days=31)
    Job.objects.create(kind="tests.count", status="done", finished_at=old)
    failed = Job.objects.create(kind="tests.count", status="failed", finished_at=old)
    assert jobs.sweep()["deleted"] == 1
    assert list(Job.objects.all()) == [failed]


def test_handler_kind_cannot_be_claimed_twice() -> None:
    with pytest.raises(RuntimeError, match="already has a handler"):
        jobs.handler("core.echo")(count)


def test_core_echo_is_discovered_from_the_core_app() -> None:
    assert jobs.handlers()["core.echo"]({"a": 1}) == {"echo": {"a": 1}}


@pytest.mark.once
@override_settings(VANTHU_JOB_HEARTBEAT_SECONDS=0.2)
def test_heartbeat_is_refreshed_while_a_long_job_runs(
    transactional_db: Any, queue_dir: Path
) -> None:
    job = jobs.enqueue("tests.slow", {"seconds": 1.0})
    jobs.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "done"
    assert job.started_at is not None and job.heartbeat_at is not None
    assert job.heartbeat_at - job.started_at >= datetime.timedelta(seconds=0.5)
