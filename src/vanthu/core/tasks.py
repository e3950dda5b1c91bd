"""Celery tasks: thin triggers around ``vanthu.core.jobs`` (the job row holds the state)."""

from __future__ import annotations

from django.conf import settings

from vanthu.celery import app
from vanthu.core import jobs


@app.task(
    name=jobs.TASK_NAME,
    # Acknowledged after the run: a worker killed mid-job gets the message redelivered (where
    # the broker can), and the sweep covers the brokers that cannot.
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def run_job(job_id: int) -> None:
    jobs.run_job(job_id)


@app.task(name="vanthu.core.tasks.sweep", ignore_result=True, soft_time_limit=50, time_limit=55)
def sweep() -> dict[str, int]:
    return jobs.sweep()
