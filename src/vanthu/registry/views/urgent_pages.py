"""Cursor pages of the web register lists (sổ đến, urgent first; sổ đi): ``?after=`` / ``?before=``.

A list is read as blocks, each in an order an index holds: the sổ đến as ``reads.UrgentFirst``
(open hỏa tốc, thượng khẩn, khẩn, then the rest, each in register order ``period_key, number,
id``), the sổ đi as one block in the order of creation (``created_at, id``; ``OneBlock``). A
numbered page past a block has to count the block to step over it, and the last block is read
with an OFFSET: 12 s at page 1,000 of 1,000,000 documents (docs/benchmarks.md, "Registry"). A
cursor names a position instead: the block of the row and its sort key, so "Trang sau" reads
the rows after it on the block's own index and "Trang trước" the rows before it, walking the
same index the other way, at any depth. Numbered pages stay for the first ``NUMBERED_PAGES``
pages, where stepping over blocks reads at most that many rows (docs/registry.md, "Lists").
What differs between the lists is only their ``KeyOrder`` (``INCOMING``, ``OUTGOING``).

Like the API's cursor (``registry.keyset``) it is base64url JSON, not signed: it names a place in
the order, never a row, and every row read after or before it still passes the access policy
(``selectors`` inside each block), so a forged cursor moves the start and shows nothing the
first page would not. A row that changed status since the link was made is found in its new
block; the cursor's place in the order is unchanged.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db.models import F, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.http import HttpRequest
from django.utils.translation import gettext as _

from vanthu.core.keyset import BadCursor, decode_values, encode_cursor
from vanthu.registry.models import Document
from vanthu.registry.views import common
from vanthu.registry.views.reads import OPEN_STATUSES, URGENT_FIRST

NUMBERED_PAGES = 20
REST = len(URGENT_FIRST)  # the sổ đến's block after the three urgent ones
MAX_NUMBER = 2**31 - 1
MAX_ID = 2**63 - 1
MAX_TOKEN = 400


class Blocks(Protocol):
    """A web list read block by block (``reads.UrgentFirst``, ``OneBlock``)."""

    base: QuerySet[Document]
    ranked_blocks: list[tuple[int, QuerySet[Document]]]

    def __getitem__(self, key: slice) -> list[Document]: ...


class OneBlock:
    """A list that is a single block (the sổ đi): numbered pages slice the queryset itself."""

    def __init__(self, base: QuerySet[Document]) -> None:
        self.base = base
        self.ranked_blocks = [(0, base)]

    def count(self) -> int:
        return self.base.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[Document]:
        return list(self.base[key])


@dataclass(frozen=True, init=False)
class Position:
    """A place in a list: the block and the row's sort key in its ``KeyOrder``."""

    block: int
    key: tuple[Any, ...]

    def __init__(self, block: int, *key: Any) -> None:
        object.__setattr__(self, "block", block)
        object.__setattr__(self, "key", key)

    def encode(self) -> str:
        return encode_cursor([self.block, *self.key], ensure_ascii=True)


def _is_int(value: Any, low: int, high: int) -> bool:
    # bool is an int in Python, not in a cursor.
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


class KeyOrder:
    """How one list's rows are keyed, and read after or before a key within a block."""

    blocks = 1
    # The order turned round, for reading backwards ("Trang trước").
    backward: tuple[Any, ...] = ()

    def block_of(self, row: Document) -> int:
        return 0

    def key_of(self, row: Document) -> tuple[Any, ...]:
        raise NotImplementedError

    def read_key(self, values: list[Any]) -> tuple[Any, ...]:
        """The key in a cursor's values; ``BadCursor`` for anything this list could not make."""
        raise NotImplementedError

    def after(
        self, block: QuerySet[Document], key: tuple[Any, ...]
    ) -> Iterator[QuerySet[Document]]:
        """The block's rows after ``key``, as consecutive parts each read on an index."""
        raise NotImplementedError

    def before(
        self, block: QuerySet[Document], key: tuple[Any, ...]
    ) -> Iterator[QuerySet[Document]]:
        """The block's rows before ``key``, nearest first (the order turned round)."""
        raise NotImplementedError

    def position(self, row: Document) -> Position:
        return Position(self.block_of(row), *self.key_of(row))

    def decode(self, raw: str) -> Position:
        values = decode_values(raw, MAX_TOKEN)
        if not values or not _is_int(values[0], 0, self.blocks - 1):
            raise BadCursor
        return Position(values[0], *self.read_key(values[1:]))


class _Incoming(KeyOrder):
    """Sổ đến: blocks 0–2 the open urgent levels, 3 the rest; ``period_key DESC, number DESC
    NULLS FIRST, id DESC`` in each."""

    blocks = REST + 1
    backward = ("period_key", F("number").asc(nulls_last=True), "pk")

    def block_of(self, row: Document) -> int:
        if row.status in OPEN_STATUSES and row.urgency in URGENT_FIRST:
            return URGENT_FIRST.index(row.urgency)
        return REST

    def key_of(self, row: Document) -> tuple[Any, ...]:
        return (row.period_key, row.number, row.pk)

    def read_key(self, values: list[Any]) -> tuple[Any, ...]:
        if len(values) != 3:
            raise BadCursor
        period, number, pk = values
        if not _is_int(pk, 1, MAX_ID) or not isinstance(period, str) or not 0 < len(period) <= 40:
            raise BadCursor
        if number is not None and not _is_int(number, 0, MAX_NUMBER):
            raise BadCursor
        return (period, number, pk)

    @staticmethod
    def _row() -> Tuple:
        return Tuple(F("period_key"), F("number"), F("pk"))

    def after(
        self, block: QuerySet[Document], key: tuple[Any, ...]
    ) -> Iterator[QuerySet[Document]]:
        # In a row comparison a NULL number compares as NULL (left out), which is right for the
        # rows of the cursor's period (unnumbered ones sort first) and harmless for earlier
        # periods (decided by ``period_key``).
        period, number, pk = key
        if number is not None:
            yield block.filter(TupleLessThan(self._row(), key))
            return
        # An unnumbered row (a delivery not registered yet): the rest of its period's unnumbered
        # rows, then its numbered rows and every earlier period.
        yield block.filter(period_key=period, number__isnull=True, pk__lt=pk)
        yield block.filter(TupleLessThan(self._row(), (period, MAX_NUMBER, MAX_ID)))

    def before(
        self, block: QuerySet[Document], key: tuple[Any, ...]
    ) -> Iterator[QuerySet[Document]]:
        period, number, pk = key
        back = block.order_by(*self.backward)
        if number is not None:
            same = back.filter(period_key=period)
            yield same.filter(TupleGreaterThan(self._row(), key))
            yield same.filter(number__isnull=True)
        else:
            yield back.filter(period_key=period, number__isnull=True, pk__gt=pk)
        yield back.filter(period_key__gt=period)


class _Outgoing(KeyOrder):
    """Sổ đi: one block, ``created_at DESC, id DESC`` (``selectors.OUTGOING_ORDER``)."""

    backward = ("created_at", "pk")

    @staticmethod
    def _row() -> Tuple:
        return Tuple(F("created_at"), F("pk"))

    def key_of(self, row: Document) -> tuple[Any, ...]:
        return (row.created_at, row.pk)

    def read_key(self, values: list[Any]) -> tuple[Any, ...]:
        if len(values) != 2 or not isinstance(values[0], str) or len(values[0]) > 40:
            raise BadCursor
        try:
            created = datetime.datetime.fromisoformat(values[0])
        except ValueError as exc:
            raise BadCursor from exc
        if created.tzinfo is None or not _is_int(values[1], 1, MAX_ID):
            raise BadCursor
        return (created, values[1])

    def after(
        self, block: QuerySet[Document], key: tuple[Any, ...]
    ) -> Iterator[QuerySet[Document]]:
        yield block.filter(TupleLessThan(self._row(), key))

    def before(
        self, block: QuerySet[Document], key: tuple[Any, ...]
    ) -> Iterator[QuerySet[Document]]:
        yield block.order_by(*self.backward).filter(TupleGreaterThan(self._row(), key))


INCOMING = _Incoming()
OUTGOING = _Outgoing()


@dataclass(frozen=True)
class Listing:
    """A web list and its order: what the cursor pages read."""

    rows: Blocks
    order: KeyOrder


def _take(parts: Iterator[QuerySet[Document]], size: int) -> list[Document]:
    rows: list[Document] = []
    for part in parts:
        if len(rows) >= size:
            break
        rows += list(part[: size - len(rows)])
    return rows


def rows_after(listing: Listing, at: Position, size: int) -> list[Document]:
    """Up to ``size`` rows after ``at``, in the list's order: the rest of its block, then the
    blocks after it from their start."""

    def parts() -> Iterator[QuerySet[Document]]:
        for rank, block in listing.rows.ranked_blocks:
            if rank == at.block:
                yield from listing.order.after(block, at.key)
            elif rank > at.block:
                yield block

    return _take(parts(), size)


def rows_before(listing: Listing, at: Position, size: int) -> list[Document]:
    """Up to ``size`` rows before ``at``, in the list's order (the nearest last)."""
    order = listing.order

    def parts() -> Iterator[QuerySet[Document]]:
        for rank, block in reversed(listing.rows.ranked_blocks):
            if rank == at.block:
                yield from order.before(block, at.key)
            elif rank < at.block:
                yield block.order_by(*order.backward)

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


def page_after(listing: Listing, at: Position, size: int) -> CursorPage | None:
    """The page after ``at``; None when no row follows it (the caller shows the first page)."""
    rows = rows_after(listing, at, size + 1)
    if not rows:
        return None
    more = len(rows) > size
    rows = rows[:size]
    position = listing.order.position
    return CursorPage(
        rows,
        next_after=position(rows[-1]).encode() if more else None,
        # The cursor itself was a row before this page (or its place still is).
        previous_before=position(rows[0]).encode(),
    )


def page_before(listing: Listing, at: Position, size: int) -> CursorPage | None:
    """The page before ``at``; None when it would be the list's first page (the caller shows
    the numbered first page, with its count, instead)."""
    rows = rows_before(listing, at, size + 1)
    if len(rows) <= size:
        return None
    rows = rows[1:]
    position = listing.order.position
    after = rows_after(listing, position(rows[-1]), 1)
    return CursorPage(
        rows,
        next_after=position(rows[-1]).encode() if after else None,
        previous_before=position(rows[0]).encode(),
    )


# --- the view's side: which page the request asks for, and the links under the list ---------


def list_page(request: HttpRequest, listing: Listing) -> tuple[Any, str]:
    """The page asked for and, when it cannot be given, the notice shown above the first page.

    ``?after=`` / ``?before=`` (cursors, any depth) or ``?trang=`` (the first
    ``NUMBERED_PAGES`` pages, counted); docs/registry.md, "Lists"."""
    rows = listing.rows

    def first_page() -> Any:
        return common.paginate(request, rows, counted=rows.base, number=1)

    for name, read in (("after", page_after), ("before", page_before)):
        raw = request.GET.get(name)
        if raw is None:
            continue
        try:
            at = listing.order.decode(raw)
        except BadCursor:
            return first_page(), _("Liên kết trang không hợp lệ; danh sách hiển thị từ trang đầu.")
        page = read(listing, at, common.PAGE_SIZE)
        if page is not None:
            return page, ""
        if name == "after":
            return first_page(), _(
                "Không còn văn bản sau vị trí này (danh sách đã thay đổi); danh sách hiển thị "
                "từ trang đầu."
            )
        # Before the first page's rows there is only the first page.
        return first_page(), ""
    raw = request.GET.get("trang", "1")
    if raw.isdigit() and int(raw) > NUMBERED_PAGES:
        return first_page(), _(
            "Chỉ mở được theo số trang đến trang %(n)s. Hãy dùng «Trang sau» hoặc lọc theo "
            "năm, trạng thái; danh sách hiển thị từ trang đầu."
        ) % {"n": NUMBERED_PAGES}
    return common.paginate(request, rows, counted=rows.base), ""


def navigation(page: Any, order: KeyOrder) -> dict[str, Any]:
    """The links under the list: "Trang trước" / "Trang sau" and the first pages' numbers.

    "Trang sau" is always a cursor (the next page costs the same at any depth); "Trang trước"
    is a number on the numbered pages and a cursor on the others."""
    if isinstance(page, CursorPage):
        return {
            "cursor": True,
            "next_after": page.next_after,
            "previous_before": page.previous_before,
            "previous_number": None,
            "numbers": [],
            "current": None,
        }
    paginator = page.paginator
    # Above the capped count the pages known to exist: those counted, and this one's next.
    last = paginator.num_pages
    if not paginator.count_exact:
        last = max(last, page.number + 1 if page.has_next() else page.number)
    rows = list(page.object_list)
    return {
        "cursor": False,
        "next_after": order.position(rows[-1]).encode() if page.has_next() and rows else None,
        "previous_before": None,
        "previous_number": page.number - 1 if page.has_previous() else None,
        "numbers": list(range(1, min(last, NUMBERED_PAGES) + 1)),
        "current": page.number,
    }
