"""Celery beat entry point: only enqueues the day's reminder job (the job row is the truth)."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from vanthu.core.jobs import enqueue
from vanthu.notify.jobs import KIND


@shared_task(name="vanthu.notify.tasks.daily_reminders", ignore_result=True)
def daily_reminders() -> None:
    day = timezone.localdate().isoformat()
    with transaction.atomic():
        # One live job per day: a beat that fires twice does not double the work.
        enqueue(KIND, {"day": day}, queue="default", dedupe_key=f"{KIND}:{day}")
