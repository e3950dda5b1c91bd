"""Celery beat entry point: only enqueues the job; the job row is the truth (core.jobs)."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction

from vanthu.core.jobs import enqueue


@shared_task(name="vanthu.preservation.tasks.nightly_fixity", ignore_result=True)
def nightly_fixity() -> None:
    with transaction.atomic():
        # One live fixity job at a time: a slow night is never doubled by the next trigger.
        enqueue("preservation.fixity", {}, queue="fixity", dedupe_key="preservation.fixity")
