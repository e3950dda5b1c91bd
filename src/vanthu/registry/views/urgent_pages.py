"""Cursor pages of the web register list (sổ đến, urgent first): ``?after=`` and ``?before=``.

The list is read as blocks (``reads.UrgentFirst``: open hỏa tốc, thượng khẩn, khẩn, then the
rest, each in register order). A numbered page past a block has to count the block to step over
it, and the last block is read with an OFFSET: 12 s at page 1,000 of 1,000,000 documents
(docs/benchmarks.md, "Registry"). A cursor names a position instead: the block of the row and
its sort key (``period_key, number, id``), so "Trang sau" reads the rows after it on the block's
own index and "Trang trước" the rows before it, walking the same index the other way, at any
depth. Numbered pages stay for the first ``NUMBERED_PAGES`` pages, where stepping over blocks
reads at most that many rows (docs/registry.md, "Lists").

Like the API's cursor (``registry.keyset``) it is base64url JSON, not signed: it names a place in
the order, never a row, and every row read after or before it still passes the access policy
(``selectors.visible_row_by_row`` inside each block), so a forged cursor moves the start and
shows nothing the first page would not. A row that changed status since the link was made is
found in its new block; the cursor's place in the order is unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan

from vanthu.core.keyset import BadCursor, decode_values, encode_cursor
from vanthu.registry.models import Document
from vanthu.registry.views.reads import OPEN_STATUSES, URGENT_FIRST, UrgentFirst

NUMBERED_PAGES = 20
REST = len(URGENT_FIRST)  # the block after the three urgent ones
MAX_NUMBER = 2**31 - 1
MAX_ID = 2**63 - 1
MAX_TOKEN = 400
# The register order turned round, for reading backwards ("Trang trước").
BACKWARD_ORDER = ("period_key", F("number").asc(nulls_last=True), "pk")


@dataclass(frozen=True)
class Position:
    """A place in the list: the block (0–2 the urgent levels, 3 the rest) and the row key."""

    block: int
    period_key: str
    number: int | None
    pk: int

    @classmethod
    def of(cls, row: Document) -> Position:
        block = REST
        if row.status in OPEN_STATUSES and row.urgency in URGENT_FIRST:
            block = URGENT_FIRST.index(row.urgency)
        return cls(block, row.period_key, row.number, row.pk)

    def encode(self) -> str:
        return encode_cursor([self.block, self.period_key, self.number, self.pk], ensure_ascii=True)

    @classmethod
    def decode(cls, raw: str) -> Position:
        """The position in ``raw``; ``BadCursor`` for anything this page could not have made."""
        values = decode_values(raw, MAX_TOKEN)
        if len(values) != 4:
            raise BadCursor
        block, period, number, pk = values
        if not _is_int(block, 0, REST) or not _is_int(pk, 1, MAX_ID):
            raise BadCursor
        if not isinstance(period, str) or not 0 < len(period) <= 40:
            raise BadCursor
        if number is not None and not _is_int(number, 0, MAX_NUMBER):
            raise BadCursor
        return cls(block, period, number, pk)


def _is_int(value: Any, low: int, high: int) -> bool:
    # bool is an int in Python, not in a cursor.
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _key() -> Tuple:
    return Tuple(F("period_key"), F("number"), F("pk"))


def _after_in_block(block: QuerySet[Document], at: Position) -> Iterator[QuerySet[Document]]:
    """The block's rows after ``at``, as consecutive parts each read on the index from a bound.

    Order: ``period_key DESC, number DESC NULLS FIRST, id DESC``. In a row comparison a NULL
    number compares as NULL (left out), which is right for the rows of the cursor's period
    (unnumbered ones sort first) and harmless for earlier periods (decided by ``period_key``).
    """
    if at.number is not None:
        yield block.filter(TupleLessThan(_key(), (at.period_key, at.number, at.pk)))
        return
    # An unnumbered row (a delivery not registered yet): the rest of its period's unnumbered
    # rows, then its numbered rows and every earlier period.
    yield block.filter(period_key=at.period_key, number__isnull=True, pk__lt=at.pk)
    yield block.filter(TupleLessThan(_key(), (at.period_key, MAX_NUMBER, MAX_ID)))


def _before_in_block(block: QuerySet[Document], at: Position) -> Iterator[QuerySet[Document]]:
    """The block's rows before ``at``, nearest first (the order turned round)."""
    back = block.order_by(*BACKWARD_ORDER)
    if at.number is not None:
        same = back.filter(period_key=at.period_key)
        yield same.filter(TupleGreaterThan(_key(), (at.period_key, at.number, at.pk)))
        yield same.filter(number__isnull=True)
    else:
        yield back.filter(period_key=at.period_key, number__isnull=True, pk__gt=at.pk)
    yield back.filter(period_key__gt=at.period_key)


def _take(parts: Iterator[QuerySet[Document]], size: int) -> list[Document]:
    rows: list[Document] = []
    for part in parts:
        if len(rows) >= size:
            break
        rows += list(part[: size - len(rows)])
    return rows


def rows_after(view: UrgentFirst, at: Position, size: int) -> list[Document]:
    """Up to ``size`` rows after ``at``, in the list's order: the rest of its block, then the
    blocks after it from their start."""

    def parts() -> Iterator[QuerySet[Document]]:
        for rank, block in view.ranked_blocks:
            if rank == at.block:
                yield from _after_in_block(block, at)
            elif rank > at.block:
                yield block

    return _take(parts(), size)


def rows_before(view: UrgentFirst, at: Position, size: int) -> list[Document]:
    """Up to ``size`` rows before ``at``, in the list's order (the nearest last)."""

    def parts() -> Iterator[QuerySet[Document]]:
        for rank, block in reversed(view.ranked_blocks):
            if rank == at.block:
                yield from _before_in_block(block, at)
            elif rank < at.block:
                yield block.order_by(*BACKWARD_ORDER)

    rows = _take(parts(), size)
    rows.reverse()
    return rows


@dataclass
class CursorPage:
    """A page read after or before a cursor: its rows and the cursors of its neighbours. The
    list is not counted on it (the first page counts; a count is no cheaper deep down)."""

    rows: list[Document]
    next_after: str | None = None
    previous_before: str | None = None
    is_cursor_page: bool = field(default=True, init=False)

    def __iter__(self) -> Iterator[Document]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def page_after(view: UrgentFirst, at: Position, size: int) -> CursorPage | None:
    """The page after ``at``; None when no row follows it (the caller shows the first page)."""
    rows = rows_after(view, at, size + 1)
    if not rows:
        return None
    more = len(rows) > size
    rows = rows[:size]
    return CursorPage(
        rows,
        next_after=Position.of(rows[-1]).encode() if more else None,
        # The cursor itself was a row before this page (or its place still is).
        previous_before=Position.of(rows[0]).encode(),
    )


def page_before(view: UrgentFirst, at: Position, size: int) -> CursorPage | None:
    """The page before ``at``; None when it would be the list's first page (the caller shows
    the numbered first page, with its count, instead)."""
    rows = rows_before(view, at, size + 1)
    if len(rows) <= size:
        return None
    rows = rows[1:]
    after = rows_after(view, Position.of(rows[-1]), 1)
    return CursorPage(
        rows,
        next_after=Position.of(rows[-1]).encode() if after else None,
        previous_before=Position.of(rows[0]).encode(),
    )
