"""Celery beat entry point: only enqueues the job; the job row is the truth (core.jobs)."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction

from vanthu.core.jobs import enqueue


@shared_task(name="vanthu.suggest.tasks.nightly_training", ignore_result=True)
def nightly_training() -> None:
    with transaction.atomic():
        # One live round at a time: a slow night is never doubled by the next trigger.
        enqueue("suggest.train_all", {}, dedupe_key="suggest.train_all")
