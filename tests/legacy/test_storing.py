"""Chunks written while the next is judged (legacy/storing.py): still all or nothing.

On PostgreSQL the chunks are written by a thread on the import's own connection; a failure on
either side, in any chunk, must leave nothing, and the connection must come back to the import
thread unshared. Small chunks (``services.CHUNK``) make several chunks of a few rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection

from tests.legacy.conftest import client_for, incoming_rows, write_csv, write_xlsx
from vanthu.audit.models import Event
from vanthu.legacy import services
from vanthu.legacy.models import ImportBatch
from vanthu.legacy.services import import_register
from vanthu.registry.models import Direction, Document, Register
from vanthu.reports.models import DocumentTally
from vanthu.search import backends


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(services, "CHUNK", 3)
    return 3


def _state() -> tuple[int, ...]:
    return (
        Document.objects.count(),
        Register.objects.count(),
        Event.objects.count(),
        DocumentTally.objects.count(),
        ImportBatch.objects.count(),
        backends.entry_count(),
    )


def _next_document_id() -> int:
    """The id the next new document gets (PostgreSQL: its sequence; SQLite: AUTOINCREMENT)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence('registry_document', 'id'))")
            return int(cursor.fetchone()[0]) + 1
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = 'registry_document'")
        row = cursor.fetchone()
        return (int(row[0]) if row else 0) + 1


def test_a_database_error_in_a_later_chunk_leaves_nothing(
    clerk: Any, tmp_path: Path, small_chunks: int
) -> None:
    path = write_xlsx(tmp_path / "so.xlsx", incoming_rows(9))
    # The third chunk's documents will find a search entry already there: the index's key
    # refuses it in the middle of the import, after two chunks were written.
    first = _next_document_id()
    third = range(first + 2 * small_chunks, first + 3 * small_chunks)
    backends.append(
        [
            backends.Entry(document_id=i, folded=["x"], exact=["x"], symbol=[], sender=[])
            for i in third
        ]
    )
    before = _state()
    seen: list[int] = []
    with pytest.raises(IntegrityError):
        import_register(
            actor=clerk,
            organization=clerk.organization,
            direction=Direction.INCOMING,
            path=path,
            progress=lambda done, total, rate: seen.append(done),
        )
    assert seen == [3, 6]  # two chunks were written before the failure
    assert _state() == before
    assert not connection.allow_thread_sharing
    found = client_for(clerk).get("/api/v1/search/", {"q": "BTCTW"})
    assert found.status_code == 200
    assert found.json()["results"] == []


def test_a_damaged_file_after_written_chunks_leaves_nothing(
    clerk: Any, tmp_path: Path, small_chunks: int
) -> None:
    rows = incoming_rows(30)
    # Beyond the csv module's field limit: refused when that line is read, after the header
    # search (the first 20 lines) and after chunks were written.
    rows[25][7] = "x" * 200_000
    path = write_csv(tmp_path / "so.csv", rows)
    before = _state()
    seen: list[int] = []
    with pytest.raises(ValidationError, match="CSV hỏng"):
        import_register(
            actor=clerk,
            organization=clerk.organization,
            direction=Direction.INCOMING,
            path=path,
            progress=lambda done, total, rate: seen.append(done),
        )
    assert seen and seen[-1] >= 3  # chunks were written before the damaged line was read
    assert _state() == before
    assert not connection.allow_thread_sharing
    # The connection is the import thread's again, and usable.
    assert Document.objects.filter(organization=clerk.organization).count() == before[0]


def test_many_chunks_store_every_row_in_order(
    clerk: Any, tmp_path: Path, small_chunks: int
) -> None:
    path = write_xlsx(tmp_path / "so.xlsx", incoming_rows(10))
    seen: list[int] = []
    result = import_register(
        actor=clerk,
        organization=clerk.organization,
        direction=Direction.INCOMING,
        path=path,
        progress=lambda done, total, rate: seen.append(done),
    )
    assert (result.taken, result.refused) == (10, 0)
    assert seen == [3, 6, 9, 10]
    docs = list(Document.objects.filter(register_id=result.register_id).order_by("pk"))
    assert [d.number for d in docs] == list(range(1, 11))
    assert DocumentTally.objects.filter(document_id__in=[d.pk for d in docs]).count() == 10
    assert not connection.allow_thread_sharing
