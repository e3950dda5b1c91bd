"""Celery beat entry points: they only enqueue the day's job (the job row is the truth)."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from vanthu.core.jobs import enqueue
from vanthu.notify.jobs import DIGEST_KIND, KIND


@shared_task(name="vanthu.notify.tasks.daily_reminders", ignore_result=True)
def daily_reminders() -> None:
    day = timezone.localdate().isoformat()
    with transaction.atomic():
        # One live job per day: a beat that fires twice does not double the work.
        enqueue(KIND, {"day": day}, queue="default", dedupe_key=f"{KIND}:{day}")


@shared_task(name="vanthu.notify.tasks.daily_digest", ignore_result=True)
def daily_digest() -> None:
    """Yesterday's digest (a whole local day), by the first beat after midnight; the beat runs
    hourly so a machine switched on late still sends it."""
    day = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    with transaction.atomic():
        enqueue(DIGEST_KIND, {"day": day}, queue="default", dedupe_key=f"{DIGEST_KIND}:{day}")
