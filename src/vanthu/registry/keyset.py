"""Keyset cursors for the document lists (``?after=``, docs/registry.md "Lists").

A page number makes the database walk and drop every row before the page (50 rows at offset
500,000 took 4.3 s at 1,000,000 documents, docs/benchmarks.md "Registry"); a cursor names the
last row of the previous page by its sort key, so the next page starts there on the list's own
index (``doc_list_order``: ``period_key, number, id``) and reads 50 rows at any depth.

The cursor is the sort key of a row, base64url-encoded JSON, and it is not signed: it only says
*where* in the order to start. Every row is still filtered by the access policy, so a forged
cursor can move the start but never shows, counts or reveals a document the user may not see.
The row comparison ``(period_key, number, id) < (…)`` is Django's own tuple lookup (written for
composite primary keys), which both PostgreSQL and SQLite evaluate as a row value and which
PostgreSQL uses as an index bound.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleLessThan
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from vanthu.registry.models import Document

MAX_ID = 2**63 - 1
MAX_NUMBER = 2**31 - 1
MAX_TOKEN = 400


def _bad() -> ValidationError:
    return ValidationError(
        {"after": [_("Con trỏ trang (after) không hợp lệ: hãy dùng next_after của trang trước.")]}
    )


def _encode(values: Sequence[Any]) -> str:
    raw = json.dumps(list(values), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(token: str) -> list[Any]:
    if not token or len(token) > MAX_TOKEN:
        raise _bad()
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        values = json.loads(raw.decode())
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise _bad() from exc
    if not isinstance(values, list):
        raise _bad()
    return values


def _int(value: Any, low: int, high: int) -> int:
    # bool is an int in Python, not in a cursor.
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _bad()
    return value


@dataclass(frozen=True)
class Keyset:
    """How one list is ordered (every key descending) and how its cursor is read and written."""

    encode_row: Callable[[Document], list[Any]]
    decode_values: Callable[[list[Any]], tuple[Any, ...]]
    after: Callable[[QuerySet[Document], tuple[Any, ...]], QuerySet[Document]]

    def cursor(self, row: Document) -> str:
        return _encode(self.encode_row(row))

    def filter(self, qs: QuerySet[Document], token: str) -> QuerySet[Document]:
        """The rows of ``qs`` after the cursor ``token``; 400 ``after`` when it is not one."""
        return self.after(qs, self.decode_values(_decode(token)))


# --- văn bản đến: ORDER BY period_key DESC, number DESC NULLS FIRST, id DESC -----------------


def _incoming_values(values: list[Any]) -> tuple[Any, ...]:
    if len(values) != 3:
        raise _bad()
    period, number, pk = values
    if not isinstance(period, str) or len(period) > 40:
        raise _bad()
    if number is not None:
        number = _int(number, 0, MAX_NUMBER)
    return period, number, _int(pk, 1, MAX_ID)


def _incoming_after(qs: QuerySet[Document], key: tuple[Any, ...]) -> QuerySet[Document]:
    period, number, pk = key
    if number is None:
        # Only unnumbered rows (deliveries waiting for vào sổ) have no number; they come first
        # within their period, then the numbered ones, then the earlier periods.
        return qs.filter(
            Q(period_key__lt=period)
            | Q(period_key=period, number__isnull=False)
            | Q(period_key=period, number__isnull=True, pk__lt=pk)
        )
    # A row comparison: PostgreSQL starts the backward walk of doc_list_order right there.
    # Rows of the same period without a number compare as NULL (excluded): they came first.
    row = Tuple(F("period_key"), F("number"), F("pk"))
    return qs.filter(TupleLessThan(row, (period, number, pk)))


INCOMING = Keyset(
    encode_row=lambda d: [d.period_key, d.number, d.pk],
    decode_values=_incoming_values,
    after=_incoming_after,
)


# --- văn bản đi: ORDER BY created_at DESC, id DESC -------------------------------------------


def _outgoing_values(values: list[Any]) -> tuple[Any, ...]:
    if len(values) != 2 or not isinstance(values[0], str) or len(values[0]) > 40:
        raise _bad()
    try:
        created = datetime.datetime.fromisoformat(values[0])
    except ValueError as exc:
        raise _bad() from exc
    if created.tzinfo is None:
        raise _bad()
    return created, _int(values[1], 1, MAX_ID)


def _outgoing_after(qs: QuerySet[Document], key: tuple[Any, ...]) -> QuerySet[Document]:
    created, pk = key
    return qs.filter(Q(created_at__lt=created) | Q(created_at=created, pk__lt=pk))


OUTGOING = Keyset(
    encode_row=lambda d: [d.created_at.isoformat(), d.pk],
    decode_values=_outgoing_values,
    after=_outgoing_after,
)
