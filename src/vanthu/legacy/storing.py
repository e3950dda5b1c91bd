"""Storing the judged chunks of a real import: the rows, their search entries, their counts.

On PostgreSQL the server's share of an import (inserting the rows, updating the trigram and
full-text GIN indexes) is large beside the importing process's own (reading the sheet, judging
rows, building search entries), and done one after the other the two added up: 61.6 s for
100,000 rows on a quiet machine. So a thread of this process writes chunk N while the import
thread reads, judges and prepares chunk N+1: the server works on the other core meanwhile.

All-or-nothing is kept: the thread uses the import's own connection (Django's wrapper, shared
with ``inc_thread_sharing``), so every chunk is in the import's one transaction. The connection
is never used by two threads at once: between :meth:`ChunkStore.start` and the return of
:meth:`ChunkStore.close` or :meth:`ChunkStore.abandon` only the thread touches the database; the
import thread reads the file and judges and prepares rows, which need no database
(``RowBuilder`` and ``Catalogue`` read it before; ``inserting.prepare`` never does). A failure on
either side stops both: the thread's error is raised in the import thread, which leaves the
transaction (rolling it back) only after the thread has stopped.

SQLite writes inline, in the import thread: its work runs in this process anyway.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

from vanthu.legacy.inserting import insert_prepared, prepare
from vanthu.orgs.models import User
from vanthu.registry.models import Document, Register
from vanthu.reports.summary import track as track_counts
from vanthu.search.indexing import index_created

# The import thread may prepare one chunk ahead of the one being written: memory stays at about
# three chunks of documents.
AHEAD = 1
_WAIT = 0.5  # seconds between looks at the other thread's failure while waiting

# Called with the number of file rows (taken or refused) of each chunk once it is stored.
Stored = Callable[[int], None]
_Item = tuple[Sequence[Document], list[list[Any]], int]


def _write(documents: Sequence[Document], rows: list[list[Any]], register: Register) -> None:
    """One prepared chunk: the rows, their search entries and their counts."""
    if not documents:
        return
    insert_prepared(documents, rows, register)
    # In the same transaction: rolled back with the rows, searchable at once on commit; built
    # from the objects in hand (index_created), the same entries as a re-index.
    index_created(documents)
    track_counts([d.pk for d in documents])  # the dashboard's counts, same transaction


class ChunkStore:
    """Stores chunks in order: written in a thread of its own (``thread``) or inline.

    ``stored(rows)`` is called after each chunk is written, from the thread that wrote it, with
    the number of file rows the chunk came from (the refused ones included).
    """

    def __init__(
        self, *, register: Register, actor: User, stored: Stored | None = None, thread: bool
    ) -> None:
        self.register = register
        self.actor = actor
        self.stored = stored
        self.thread = thread
        self._queue: queue.Queue[_Item | None] = queue.Queue(maxsize=AHEAD)
        self._error: BaseException | None = None
        self._abandoned = False
        self._worker: threading.Thread | None = None
        self._connection = connections[DEFAULT_DB_ALIAS]

    def start(self) -> None:
        if not self.thread:
            return
        self._connection.inc_thread_sharing()
        self._worker = threading.Thread(target=self._run, name="legacy-import-store", daemon=True)
        self._worker.start()

    def put(self, documents: Sequence[Document], rows: int) -> None:
        """Store ``documents``, taken from ``rows`` file rows. They are prepared here; with a
        thread, written there (this waits while the thread is a chunk behind)."""
        for doc in documents:
            doc.register = self.register
            doc.created_by = self.actor
        item = (documents, prepare(documents, self.register), rows)
        if self._worker is None:
            self._write(item)
            return
        while True:
            self._raise_if_failed()
            try:
                self._queue.put(item, timeout=_WAIT)
                return
            except queue.Full:
                continue

    def close(self) -> None:
        """Wait until every chunk is written; raise the thread's error, if any."""
        self._stop()
        self._raise_if_failed()

    def abandon(self) -> None:
        """The import failed: write nothing more and wait for the thread to stop."""
        self._abandoned = True
        self._stop()

    def _stop(self) -> None:
        worker, self._worker = self._worker, None
        if worker is None:
            return
        try:
            while worker.is_alive():
                try:
                    self._queue.put(None, timeout=_WAIT)
                    break
                except queue.Full:
                    continue
            worker.join()
        finally:
            self._connection.dec_thread_sharing()

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            raise self._error

    def _write(self, item: _Item) -> None:
        documents, rows, count = item
        _write(documents, rows, self.register)
        if self.stored is not None:
            self.stored(count)

    def _run(self) -> None:
        connections[DEFAULT_DB_ALIAS] = self._connection
        try:
            while (item := self._queue.get()) is not None:
                if self._error is None and not self._abandoned:
                    try:
                        self._write(item)
                    except BaseException as exc:  # raised again in the import thread
                        self._error = exc
        finally:
            del connections[DEFAULT_DB_ALIAS]
