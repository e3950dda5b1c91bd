"""Database-backed background jobs, triggered through Celery (docs/running.md, "Việc nền").

The job row is the truth; a Celery message only says "job N may be ready". So:

- ``enqueue`` creates the row in the caller's transaction and sends the trigger after commit;
  a rolled-back change leaves no job and no message.
- ``run_job`` claims the row with one conditional UPDATE (status waiting → running): a repeated
  or late trigger finds nothing to claim and does nothing.
- ``sweep`` (Celery beat, every minute) re-sends triggers for jobs left waiting and requeues
  jobs whose worker stopped sending heartbeats, so a lost message costs time, never data; it
  also removes the temporary files of killed writers (``blobstore.remove_stale_temporaries``).

Handlers live in each app's ``jobs.py`` (imported on first use) and take the payload:

    @handler("capture.extract_text")
    def extract_text(payload: dict[str, Any]) -> dict[str, Any] | None: ...

A handler may run more than once for one job (a worker dies mid-way, a job is retried), so it
must be idempotent: load the state it works on, and skip what is already done.
"""

from __future__ import annotations

import datetime
import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from vanthu.celery import JOB_QUEUES
from vanthu.core import blobstore
from vanthu.core.models import Job, JobStatus

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], "dict[str, Any] | None"]
H = TypeVar("H", bound=Handler)

_handlers: dict[str, Handler] = {}
_discovered = False
_discover_lock = threading.Lock()

TASK_NAME = "vanthu.core.tasks.run_job"
LIVE = (JobStatus.WAITING, JobStatus.RUNNING)
ERROR_LIMIT = 10_000


class PermanentError(Exception):
    """Raised by a handler when trying again cannot help (bad payload, missing object)."""


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def int_field(payload: dict[str, Any], key: str) -> int:
    """``payload[key]`` as an int; a missing or malformed one is a PermanentError (no retry)."""
    try:
        return int(payload[key])
    except (KeyError, TypeError, ValueError) as exc:
        raise PermanentError(f"Thiếu hoặc sai {key}: {payload!r}") from exc


def handler(kind: str) -> Callable[[H], H]:
    """Register ``fn`` as the handler of jobs of ``kind``."""

    def register(fn: H) -> H:
        existing = _handlers.get(kind)
        # Two modules claiming one kind is a wiring mistake worth failing loudly on (the same
        # function registered again, as when a module is reloaded, is fine).
        same = existing is not None and (existing.__module__, existing.__qualname__) == (
            fn.__module__,
            fn.__qualname__,
        )
        if existing is not None and not same:
            raise RuntimeError(f"job kind {kind!r} already has a handler: {existing!r}")
        _handlers[kind] = fn
        return fn

    return register


def discover() -> None:
    """Import ``<app>.jobs`` of every installed app once, registering their handlers."""
    global _discovered
    if _discovered:
        return
    with _discover_lock:
        if not _discovered:
            autodiscover_modules("jobs")
            _discovered = True


def handlers() -> dict[str, Handler]:
    discover()
    return dict(_handlers)


def enqueue(
    kind: str,
    payload: dict[str, Any],
    *,
    queue: str = "default",
    dedupe_key: str | None = None,
    max_attempts: int = 3,
) -> Job:
    """Create a job in the caller's transaction; its trigger is sent when that commits.

    With ``dedupe_key``, a job with the same key that is still waiting or running is returned
    instead of a new one (e.g. one re-index per document however many edits come in).
    """
    if queue not in JOB_QUEUES:
        raise ValueError(f"unknown job queue {queue!r}; one of {', '.join(JOB_QUEUES)}")
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")
    if dedupe_key is not None:
        live = Job.objects.filter(dedupe_key=dedupe_key, status__in=LIVE).first()
        if live is not None:
            return live
    now = timezone.now()
    job = Job(
        kind=kind,
        payload=payload,
        queue=queue,
        dedupe_key=dedupe_key,
        max_attempts=max_attempts,
        created_at=now,
        run_after=now,
        sent_at=now,
        sends=1,
    )
    try:
        # A savepoint, so that losing the dedupe race leaves the caller's transaction usable.
        with transaction.atomic():
            job.save()
    except IntegrityError:
        live = Job.objects.filter(dedupe_key=dedupe_key, status__in=LIVE).first()
        if live is None:
            raise
        return live
    job_id = job.pk
    transaction.on_commit(lambda: _trigger(job_id, queue))
    return job


def _trigger(job_id: int, queue: str, countdown: float = 0) -> None:
    """Nudge a worker. Never raises: the job is safe in the database and the sweep re-sends."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        if countdown <= 0:
            run_job(job_id)
        return
    from vanthu.celery import app

    try:
        app.send_task(TASK_NAME, args=[job_id], queue=queue, countdown=countdown or None)
    except Exception:
        log.exception("could not send the trigger of job %s; the sweep will re-send it", job_id)


def run_job(job_id: int) -> None:
    """Run job ``job_id`` if it is waiting and due; any other state means there is nothing to do."""
    _run(job_id)


def _run(job_id: int) -> bool:
    discover()
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.WAITING, run_after__lte=now).update(
        status=JobStatus.RUNNING,
        attempts=F("attempts") + 1,
        started_at=now,
        heartbeat_at=now,
        finished_at=None,
    )
    if not claimed:
        log.debug("job %s: nothing to claim (done, running elsewhere, not due, or gone)", job_id)
        return False
    job = Job.objects.get(pk=job_id)
    fn = _handlers.get(job.kind)
    try:
        with _Heartbeat(job.pk, job.attempts):
            if fn is None:
                raise PermanentError(f"Không có bộ xử lý cho loại việc {job.kind!r}.")
            result = fn(dict(job.payload))
    except Exception as exc:
        _record_failure(job, exc)
        return True
    _record_done(job, result)
    return True


def _mine(job: Job) -> Any:
    # The attempt number is the claim's token: a worker presumed dead whose job was requeued
    # and claimed again must not overwrite what the new run records.
    return Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts)


def _record_done(job: Job, result: dict[str, Any] | None) -> None:
    try:
        _mine(job).update(
            status=JobStatus.DONE, result=result, error="", finished_at=timezone.now()
        )
    except (TypeError, ValueError) as exc:  # a result that is not JSON
        _record_failure(job, PermanentError(f"Kết quả không ghi được: {exc}"))


def retry_delay(attempt: int) -> float:
    """Seconds before attempt ``attempt + 1``: doubling from VANTHU_JOB_RETRY_SECONDS."""
    base = _setting("VANTHU_JOB_RETRY_SECONDS", 30)
    return float(min(base * 2 ** max(attempt - 1, 0), 3600))


def _record_failure(job: Job, exc: BaseException) -> None:
    text = "".join(traceback.format_exception(exc))
    error = f"{type(exc).__name__}: {exc}\n\n{text}"[:ERROR_LIMIT]
    now = timezone.now()
    final = isinstance(exc, PermanentError) or job.attempts >= job.max_attempts
    if final:
        _mine(job).update(status=JobStatus.FAILED, error=error, finished_at=now)
        log.error("job %s (%s) failed for good: %s", job.pk, job.kind, exc)
        return
    delay = retry_delay(job.attempts)
    updated = _mine(job).update(
        status=JobStatus.WAITING,
        error=error,
        run_after=now + datetime.timedelta(seconds=delay),
        sent_at=now,
        sends=F("sends") + 1,
    )
    log.warning("job %s (%s) failed, retry in %ss: %s", job.pk, job.kind, delay, exc)
    if updated:
        _trigger(job.pk, job.queue, countdown=delay)


class _Heartbeat:
    """Refresh ``heartbeat_at`` from a side thread while the handler runs.

    The thread lives and dies with the worker process, so a stale heartbeat means exactly
    "the process running this job is gone" and the sweep may requeue it.
    """

    def __init__(self, job_id: int, attempt: int) -> None:
        self.job_id = job_id
        self.attempt = attempt
        self.interval = _setting("VANTHU_JOB_HEARTBEAT_SECONDS", 30)
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None

    def __enter__(self) -> _Heartbeat:
        # Inside a transaction (a test, an eager run in a request) another connection could not
        # see the row, and on SQLite would wait for the caller's write lock.
        if not connection.in_atomic_block:
            self.thread = threading.Thread(target=self._beat, name=f"job-{self.job_id}-beat")
            self.thread.daemon = True
            self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        if self.thread is not None:
            self.thread.join()

    def _beat(self) -> None:
        try:
            while not self.stop.wait(self.interval):
                Job.objects.filter(
                    pk=self.job_id, status=JobStatus.RUNNING, attempts=self.attempt
                ).update(heartbeat_at=timezone.now())
        except Exception:
            log.exception("heartbeat of job %s stopped", self.job_id)
        finally:
            connection.close()


def run_pending(limit: int | None = None) -> int:
    """Run due waiting jobs in this process, including jobs they enqueue; return how many ran.

    For tests and one-shot commands. A job whose handler raises is put back with a later
    ``run_after`` (or failed after ``max_attempts``) and is not tried again in the same call.
    """
    discover()
    ran = 0
    tried: set[int] = set()
    while limit is None or ran < limit:
        due = (
            Job.objects.filter(status=JobStatus.WAITING, run_after__lte=timezone.now())
            .exclude(pk__in=tried)
            .order_by("run_after", "pk")
            .values_list("pk", flat=True)
            .first()
        )
        if due is None:
            break
        tried.add(due)
        if _run(due):
            ran += 1
    return ran


def sweep(now: datetime.datetime | None = None) -> dict[str, int]:
    """Requeue jobs of dead workers, re-send lost triggers, forget old finished jobs, remove
    temporary files of killed writers."""
    now = now or timezone.now()
    counts = {"requeued": 0, "failed": 0, "resent": 0, "deleted": 0}
    stale_before = now - datetime.timedelta(seconds=_setting("VANTHU_JOB_STALE_SECONDS", 300))
    for job in Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=stale_before)[:500]:
        note = f"Tiến trình xử lý ngừng báo hiệu từ {job.heartbeat_at:%Y-%m-%d %H:%M:%S} UTC."
        if job.attempts >= job.max_attempts:
            counts["failed"] += _mine(job).update(
                status=JobStatus.FAILED, error=note, finished_at=now
            )
            continue
        if _mine(job).update(
            status=JobStatus.WAITING, error=note, run_after=now, sent_at=now, sends=F("sends") + 1
        ):
            counts["requeued"] += 1
            _trigger(job.pk, job.queue)

    # A waiting job's trigger is re-sent after VANTHU_JOB_RESEND_SECONDS, then after twice that,
    # and so on (up to 32 times): a long backlog is not flooded with duplicate triggers.
    resend = _setting("VANTHU_JOB_RESEND_SECONDS", 120)
    cutoff = now - datetime.timedelta(seconds=resend)
    waiting = Job.objects.filter(status=JobStatus.WAITING, run_after__lte=cutoff).exclude(
        sent_at__gt=cutoff
    )
    for job in waiting.order_by("run_after")[:1000]:
        wait = resend * 2 ** min(max(job.sends - 1, 0), 5)
        if job.sent_at is not None and (now - job.sent_at).total_seconds() < wait:
            continue
        if Job.objects.filter(pk=job.pk, status=JobStatus.WAITING, sends=job.sends).update(
            sent_at=now, sends=F("sends") + 1
        ):
            counts["resent"] += 1
            _trigger(job.pk, job.queue)

    keep_days = _setting("VANTHU_JOB_KEEP_DAYS", 30)
    if keep_days > 0:
        old = now - datetime.timedelta(days=keep_days)
        counts["deleted"], _ = Job.objects.filter(
            status=JobStatus.DONE, finished_at__lt=old
        ).delete()

    # Files of killed writers (docs/running.md, "Tệp tạm"): never a reason for the sweep to fail.
    try:
        counts.update(blobstore.remove_stale_temporaries(now.timestamp()))
    except Exception:
        log.exception("the cleanup of blob temporaries failed; the next sweep tries again")
    return counts


@handler("core.echo")
def echo(payload: dict[str, Any]) -> dict[str, Any]:
    """Health check: a worker that runs this job reads the database and the broker."""
    return {"echo": payload}
