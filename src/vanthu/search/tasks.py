"""Celery beat task of the search app: write the entries no process wrote after its commit."""

from __future__ import annotations

from vanthu.celery import app
from vanthu.search import indexing


@app.task(
    name="vanthu.search.tasks.index_pending", ignore_result=True, soft_time_limit=50, time_limit=55
)
def index_pending() -> int:
    return indexing.index_pending()
