"""Celery beat entry ``vanthu-audit-digest-daily`` (settings): sign the day's chain heads."""

from __future__ import annotations

from celery import shared_task

from vanthu.audit.digest import make_digest


@shared_task(name="vanthu.audit.tasks.daily_digest", ignore_result=True, soft_time_limit=300)
def daily_digest() -> int:
    return make_digest().pk
