"""What the search app stores besides the index itself (docs/search.md, "Index maintenance")."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class PendingEntry(models.Model):
    """A document whose search entry is still to be written.

    Written in the transaction that changes the document, so it exists exactly when the change
    was committed; removed by the write of the entry right after the commit. One left behind
    (the process died between the commit and the write, or the write failed) is written by
    ``indexing.index_pending``, run by Celery beat. ``token`` names the change that wrote the
    row: a write removes the row only if no later change has claimed it since.
    """

    document_id = models.BigIntegerField(primary_key=True)
    token = models.BigIntegerField()
    since = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["since"], name="search_pending_since")]

    def __str__(self) -> str:
        return f"{self.document_id} ({self.since:%d/%m/%Y %H:%M:%S})"
