"""The search entry of a committed change is written even if the committing process dies
(docs/search.md, "Index maintenance"; docs/scaling.md, "Faults").

A pending row is written in the change's transaction and removed by the entry's write right
after the commit; a process killed in between (a real child process sent SIGKILL, here) leaves
the row, and ``index_pending`` (Celery beat) writes the entry."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction

from vanthu.orgs.models import DocumentType
from vanthu.registry.models import Document
from vanthu.search import backends, indexing, tasks
from vanthu.search.models import PendingEntry
from vanthu.search.selectors import search_documents

ROOT = Path(__file__).resolve().parents[2]


def _found(user: Any, q: str) -> set[int]:
    return {h.document.pk for h in search_documents(user, q, limit=50).hits}


def _killed_child(*args: int) -> int:
    """Run tests/search/killed_child.py; the id of the document it committed before dying."""
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'src'}"}
    done = subprocess.run(
        [sys.executable, "-m", "tests.search.killed_child", str(connection.settings_dict["NAME"]),
         *map(str, args)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == -signal.SIGKILL, done.stderr[-3000:]
    return int(done.stdout.split()[-1])


@pytest.mark.django_db(transaction=True)
def test_a_registration_killed_after_its_commit_is_found_after_the_pending_sweep(
    city: Any, make_user: Any
) -> None:
    clerk = make_user(organization=city.tu, roles=["clerk"])
    doc_id = _killed_child(city.tu.pk, clerk.pk)
    # Committed, numbered, and not in the index: the process died before writing it.
    assert Document.objects.filter(pk=doc_id, number__gt=0).exists()
    assert _found(clerk, "chỉ mục bền vững") == set()
    assert PendingEntry.objects.filter(document_id=doc_id).exists()
    assert tasks.index_pending() == 0  # too fresh: the committing process may still write it
    assert indexing.index_pending(older_than=0) == 1
    assert _found(clerk, "chỉ mục bền vững") == {doc_id}
    assert not PendingEntry.objects.exists()
    # Not for another committee's clerk: the sweep writes the access tokens with the text.
    other = make_user(organization=city.du2, roles=["clerk"])
    assert _found(other, "chỉ mục bền vững") == set()


@pytest.mark.django_db(transaction=True)
def test_a_change_killed_after_its_commit_is_found_after_the_pending_sweep(
    city: Any, make_user: Any
) -> None:
    clerk = make_user(organization=city.tu, roles=["clerk"])
    document = Document.objects.create(
        direction="incoming", organization=city.tu, status="new", summary="V/v trích yếu cũ",
        document_type=DocumentType.objects.get(code="CV"), created_by=clerk,
    )  # fmt: skip
    indexing.index_document(document.pk)
    assert _killed_child(city.tu.pk, clerk.pk, document.pk) == document.pk
    # The old entry is still there and the new summary is not found yet.
    assert _found(clerk, "trích yếu cũ") == {document.pk}
    assert _found(clerk, "giữa chừng") == set()
    assert indexing.index_pending(older_than=0) == 1
    assert _found(clerk, "giữa chừng") == {document.pk}
    assert _found(clerk, "trích yếu cũ") == set()
    assert backends.entry_count() == 1


def _doc(city: Any, summary: str = "V/v thử chỉ mục") -> Document:
    return Document.objects.create(
        direction="incoming", organization=city.tu, status="new", summary=summary,
        document_type=DocumentType.objects.get(code="CV"),
    )  # fmt: skip


def test_the_write_after_the_commit_removes_the_pending_row(
    city: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        document = _doc(city)
        indexing.document_changed(document.pk)
        indexing.document_changed(document.pk)  # deduplicated: one row, one write
        assert list(PendingEntry.objects.values_list("document_id", flat=True)) == [document.pk]
    assert len(callbacks) == 1
    callbacks[0]()
    assert not PendingEntry.objects.exists()
    assert backends.entry_count() == 1


def test_a_rolled_back_change_leaves_no_pending_row(city: Any) -> None:
    document = _doc(city)
    with pytest.raises(RuntimeError), transaction.atomic():
        indexing.document_changed(document.pk)
        raise RuntimeError("rolled back")
    assert not PendingEntry.objects.exists()


def test_an_earlier_write_does_not_remove_a_later_changes_row(city: Any) -> None:
    document = _doc(city)
    first = indexing.mark_pending([document.pk])
    second = indexing.mark_pending([document.pk])  # a later change, committed meanwhile
    indexing.index_documents([document.pk], clear_token=first)
    assert PendingEntry.objects.get().token == second  # its own write (or the sweep) clears it
    indexing.clear_pending([document.pk], second)
    assert not PendingEntry.objects.exists()


def test_the_sweep_removes_the_entry_of_a_document_gone_meanwhile(city: Any) -> None:
    document = _doc(city)
    indexing.index_document(document.pk)
    indexing.mark_pending([document.pk])
    document.delete()
    assert indexing.index_pending(older_than=0) == 1
    assert backends.entry_count() == 0
    assert not PendingEntry.objects.exists()


def test_the_sweep_takes_a_batch_at_a_time_and_every_row(city: Any) -> None:
    docs = [_doc(city, f"V/v lô {i}") for i in range(5)]
    indexing.mark_pending([d.pk for d in docs])  # one statement for a batch of documents
    assert PendingEntry.objects.count() == 5
    assert indexing.index_pending(older_than=0, batch=2) == 5
    assert backends.entry_count() == 5 and not PendingEntry.objects.exists()


def test_registration_adds_two_statements_for_the_pending_row(
    city: Any, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.test.utils import CaptureQueriesContext

    from vanthu.registry import services

    clerk = make_user(organization=city.tu, roles=["clerk"])
    data = {"sender": "UBND", "document_type": DocumentType.objects.get(code="CV"),
            "summary": "V/v đếm câu lệnh"}  # fmt: skip
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.register_incoming(actor=clerk, organization=city.tu, data=data)
    pending = [q["sql"] for q in queries.captured_queries if "search_pendingentry" in q["sql"]]
    assert len(pending) == 2, pending  # the upsert in the transaction, the delete after it
    assert not PendingEntry.objects.exists()


def test_beat_runs_the_pending_sweep_on_the_index_queue() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["vanthu-search-pending"]
    assert entry["task"] == tasks.index_pending.name
    assert entry["options"] == {"queue": "index"}


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_index_and_migrate_keeps_it(city: Any) -> None:
    document = _doc(city)
    indexing.index_document(document.pk)
    assert indexing.empty_if_unused() is False  # documents exist: a migrate changes nothing
    call_command("migrate", verbosity=0)
    assert backends.entry_count() == 1
    call_command("flush", interactive=False, verbosity=0)
    assert backends.entry_count() == 0


@pytest.mark.django_db(transaction=True)
def test_entries_that_cannot_be_written_wait_at_the_back_and_are_written_later(
    city: Any, make_user: Any
) -> None:
    """The index table locked by another session (PostgreSQL: SQLite locks the whole file, so
    the pending rows could not be touched either): the sweep fails per entry, keeps every row
    with a later time, and writes them all once the lock is gone."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a lock on the index table alone (PostgreSQL)")
    import psycopg

    clerk = make_user(organization=city.tu, roles=["clerk"])
    docs = [_doc(city, f"V/v khóa bảng chỉ mục {i}") for i in range(3)]
    indexing.mark_pending([d.pk for d in docs])
    before = dict(PendingEntry.objects.values_list("document_id", "since"))
    db = connection.settings_dict
    other = psycopg.connect(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"] or "postgres",
        dbname=db["NAME"], password=db.get("PASSWORD") or None,
    )  # fmt: skip
    try:
        other.execute(f"LOCK TABLE {backends.TABLE} IN ACCESS EXCLUSIVE MODE")
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")
        assert indexing.index_pending(older_than=0) == 0
    finally:
        other.rollback()
        other.close()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    after = dict(PendingEntry.objects.values_list("document_id", "since"))
    assert after.keys() == before.keys()
    assert all(after[i] > before[i] for i in before)  # moved to the back of the queue
    assert indexing.index_pending(older_than=0) == 3
    assert _found(clerk, "khóa bảng chỉ mục") == {d.pk for d in docs}
