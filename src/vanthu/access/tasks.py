"""Celery beat entry point: only enqueues the job; the job row is the truth (core.jobs)."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction

from vanthu.core.jobs import enqueue


@shared_task(name="vanthu.access.tasks.protection_expiring", ignore_result=True)
def protection_expiring() -> None:
    with transaction.atomic():
        enqueue(
            "access.protection_expiring",
            {},
            dedupe_key="access.protection_expiring",
        )


@shared_task(name="vanthu.access.tasks.protection_declassify", ignore_result=True)
def protection_declassify() -> None:
    with transaction.atomic():
        enqueue(
            "access.protection_declassify",
            {},
            dedupe_key="access.protection_declassify",
        )
