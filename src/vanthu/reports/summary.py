"""Keeping the dashboard's counts (``reports.models``) in step with the documents.

``track(ids)`` is called by every service that changes what the statistics count — a
registration, a direction or assignment (status, deadline), a completion, an issue, a delivery,
a change received by exchange, a declassification, an import — inside that service's own
transaction, after its writes. It recomputes the cell each document belongs in now, compares it
with the cell the ledger (``DocumentTally``) says it is counted in, and moves the document:
minus one there, plus one here, as an ``INSERT … ON CONFLICT DO UPDATE SET n = n + delta`` on
the cell (the same statement on SQLite and PostgreSQL; the row lock it takes makes concurrent
writers add up, never overwrite). Why in the transaction and not a job after the commit: the
counts can never disagree with the documents, not even for the seconds a job would wait, a
rolled-back change rolls back its counts, and nothing depends on a queue being up.

``rebuild()`` recomputes every row from the documents (``vanthu rebuild-counts``); the tests
check that the incremental counts equal the rebuilt ones after random sequences of services.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Q

from vanthu.registry.models import Assignment, Direction, Document, Status

from .models import NO_DEADLINE, OPEN_OUTCOMES, DocumentTally, MonthlyCount, Outcome

# A cell: organisation id, month, direction, document type id, secrecy, outcome, deadline.
Key = tuple[int, datetime.date, str, int, str, str, datetime.date]
FIELDS = (
    "organization_id",
    "month",
    "direction",
    "document_type_id",
    "secrecy",
    "outcome",
    "deadline",
)
CHUNK = 500
REBUILD_CHUNK = 5000
_OPEN: dict[str, Outcome] = {
    Status.NEW: Outcome.NEW,
    Status.AWAITING_DIRECTION: Outcome.AWAITING_DIRECTION,
    Status.IN_PROGRESS: Outcome.IN_PROGRESS,
}


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _keys(where: Q) -> dict[int, Key]:
    """The cell of each document matched by ``where`` that the statistics count: numbered,
    incoming with a ngày đến or outgoing with a ngày ban hành (reports/statistics.py)."""
    tz = _tz()
    keys: dict[int, Key] = {}
    rows = list(
        Document.objects.filter(where, number__isnull=False)
        .filter(direction__in=(Direction.INCOMING, Direction.OUTGOING))
        .values_list(
            "pk",
            "organization_id",
            "direction",
            "document_type_id",
            "secrecy",
            "status",
            "deadline",
            "received_at",
            "issued_date",
        )
        .order_by()
    )
    # Completion times only for the finished ones (a registration needs no such query).
    done = [r[0] for r in rows if r[2] == Direction.INCOMING and r[5] == Status.DONE]
    finished = _finished(Q(pk__in=done) if len(done) < CHUNK else where) if done else {}
    for pk, org, direction, type_id, secrecy, status, deadline, received, issued in rows:
        if direction == Direction.INCOMING:
            if received is None:
                continue
            day = received.astimezone(tz).date()
            if status == Status.DONE:
                last = finished.get(pk)
                done_on = last.astimezone(tz).date() if last is not None else None
                # NĐ 30 Điều 24: finished on or before the deadline is on time.
                late = deadline is not None and done_on is not None and done_on > deadline
                outcome = Outcome.LATE if late else Outcome.ON_TIME
            else:
                outcome = _OPEN.get(status, Outcome.OTHER)
        else:
            if issued is None:
                continue
            day, outcome = issued, Outcome.OTHER
        due = deadline if outcome in OPEN_OUTCOMES and deadline is not None else NO_DEADLINE
        keys[pk] = (org, day.replace(day=1), direction, type_id, secrecy, str(outcome), due)
    return keys


def _finished(where: Q) -> dict[int, datetime.datetime]:
    """The last completion time of each document's assignments (the day it was finished)."""
    docs = Document.objects.filter(where).values("pk")
    return dict(
        Assignment.objects.filter(document__in=docs, done_at__isnull=False)
        .values("document_id")
        .annotate(last=Max("done_at"))
        .values_list("document_id", "last")
        .order_by()
    )


def _key_of(row: DocumentTally | MonthlyCount) -> Key:
    return (
        row.organization_id,
        row.month,
        row.direction,
        row.document_type_id,
        row.secrecy,
        row.outcome,
        row.deadline,
    )


def _apply(deltas: Counter[Key]) -> None:
    """Add each delta to its cell, creating the cell when it is new. Sorted, so that two
    transactions touching the same cells lock them in the same order (no deadlock)."""
    rows = [(k, n) for k, n in sorted(deltas.items()) if n]
    if not rows:
        return
    table = MonthlyCount._meta.db_table
    columns = ", ".join(f"{c}" for c in FIELDS)
    marks = ", ".join(["%s"] * (len(FIELDS) + 1))
    sql = (
        f"INSERT INTO {table} ({columns}, n) VALUES ({marks}) "  # noqa: S608 (our own names)
        f"ON CONFLICT ({columns}) DO UPDATE SET n = {table}.n + excluded.n"
    )
    ops = connection.ops
    params = [
        (
            org,
            ops.adapt_datefield_value(month),
            direction,
            type_id,
            secrecy,
            outcome,
            ops.adapt_datefield_value(due),
            n,
        )
        for (org, month, direction, type_id, secrecy, outcome, due), n in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def track(document_ids: Iterable[int | None]) -> None:
    """Count the documents where their present state puts them. Call inside the service's
    transaction, after its writes (outside one, it opens its own); calling it twice, or for
    an unchanged or uncounted document, changes nothing. A registration costs four
    statements: the ledger row, the document, the ledger write, the cell upsert."""
    ids = sorted({int(i) for i in document_ids if i is not None})
    if connection.in_atomic_block:
        _track(ids)
    else:
        with transaction.atomic():
            _track(ids)


def _track(ids: list[int]) -> None:
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        # Two changes of one document are counted one after the other: the services lock the
        # document row, and the ledger rows are locked here (SQLite has one writer at a time).
        now = _keys(Q(pk__in=chunk))
        before = {
            t.document_id: t
            for t in DocumentTally.objects.select_for_update().filter(document_id__in=chunk)
        }
        deltas: Counter[Key] = Counter()
        gone: list[int] = []
        new_rows: list[DocumentTally] = []
        moved: list[DocumentTally] = []
        for pk in chunk:
            row = before.get(pk)
            old = _key_of(row) if row is not None else None
            new = now.get(pk)
            if old == new:
                continue
            if old is not None:
                deltas[old] -= 1
            if new is not None:
                deltas[new] += 1
            values = dict(zip(FIELDS, new, strict=True)) if new is not None else {}
            if row is None:
                new_rows.append(DocumentTally(document_id=pk, **values))
            elif new is None:
                gone.append(pk)
            else:
                for field, value in values.items():
                    setattr(row, field, value)
                moved.append(row)
        if gone:
            DocumentTally.objects.filter(document_id__in=gone).delete()
        if new_rows:
            DocumentTally.objects.bulk_create(new_rows)
        if moved:
            DocumentTally.objects.bulk_update(moved, [f for f in FIELDS])
        _apply(deltas)


@transaction.atomic
def rebuild(*, progress: Callable[[int], Any] | None = None) -> int:
    """Recompute the ledger and every cell from the documents; returns how many are counted.

    One transaction: the counts switch from the old to the new at the commit. On PostgreSQL
    the two tables are locked first, so a service that changes a document meanwhile waits and
    then moves the document from the rebuilt cell."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"LOCK TABLE {DocumentTally._meta.db_table}, {MonthlyCount._meta.db_table} "
                "IN EXCLUSIVE MODE"
            )
    DocumentTally.objects.all().delete()
    MonthlyCount.objects.all().delete()
    totals: Counter[Key] = Counter()
    counted = 0
    for keys in _chunks():
        DocumentTally.objects.bulk_create(
            [
                DocumentTally(document_id=pk, **dict(zip(FIELDS, k, strict=True)))
                for pk, k in keys.items()
            ],
            batch_size=1000,
        )
        totals.update(keys.values())
        counted += len(keys)
        if progress is not None:
            progress(counted)
    MonthlyCount.objects.bulk_create(
        [MonthlyCount(n=n, **dict(zip(FIELDS, k, strict=True))) for k, n in totals.items()],
        batch_size=1000,
    )
    return counted


def counts() -> dict[Key, int]:
    """Every non-empty cell (for comparing the incremental counts with a rebuild)."""
    return {_key_of(c): c.n for c in MonthlyCount.objects.filter(n__gt=0)}


def expected() -> dict[Key, int]:
    """The non-empty cells as the documents say they should be (reads only)."""
    totals: Counter[Key] = Counter()
    for keys in _chunks():
        totals.update(keys.values())
    return dict(totals)


def _chunks() -> Iterator[dict[int, Key]]:
    """Every document's cell, REBUILD_CHUNK documents at a time in id order."""
    last = 0
    while True:
        ids = list(
            Document.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:REBUILD_CHUNK]
        )
        if not ids:
            return
        yield _keys(Q(pk__gte=ids[0], pk__lte=ids[-1]))
        last = ids[-1]
