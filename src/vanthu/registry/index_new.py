"""The search entry of a document just registered, written from the row in memory.

``search.indexing.document_changed`` re-reads the document, its type, organisations and files
after the commit; at registration that read is a quarter of the request (docs/benchmarks.md,
"Registry"). A document registered a moment ago has no files and the service holds every field
the entry needs, so the entry is built by the same ``build_entry`` from the object in hand and
written right after the commit: searchable at once, as before, and a rolled-back registration
writes nothing. Every later change goes through ``document_changed`` as usual. As there, a
pending row recorded in the registration's transaction is removed by that write, and written by
``search.indexing.index_pending`` if the process dies first.
"""

from __future__ import annotations

import logging

from django.db import transaction

from vanthu.registry.models import Document
from vanthu.search import backends
from vanthu.search.indexing import build_entry, clear_pending, mark_pending

log = logging.getLogger(__name__)


def index_after_commit(document: Document) -> None:
    """Write ``document``'s entry when the current transaction commits. Only for a document
    created in that transaction, with no files yet."""
    token = mark_pending([document.pk])

    def write() -> None:
        try:
            entry = build_entry(document, [])
            with transaction.atomic():
                backends.upsert([entry])
                clear_pending([document.pk], token)
        except Exception:
            # The registration and its pending row are committed: index_pending writes it.
            log.exception("search: indexing new document %s failed", document.pk)

    transaction.on_commit(write)
