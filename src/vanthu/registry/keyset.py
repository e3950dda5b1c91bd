"""Keyset cursors for the document lists (``?after=``, docs/registry.md "Lists").

A page number makes the database walk and drop every row before the page (50 rows at offset
500,000 took 4.3 s at 1,000,000 documents, docs/benchmarks.md "Registry"); a cursor names the
last row of the previous page by its sort key, so the next page starts there on the list's own
index (``doc_list_order``: ``period_key, number, id``) and reads 50 rows at any depth.

The cursor is the sort key of a row, base64url-encoded JSON, and it is not signed: it only says
*where* in the order to start. Every row is still filtered by the access policy, so a forged
cursor can move the start but never shows, counts or reveals a document the user may not see.
The row comparison ``(period_key, number, id) < (…)`` is Django's own tuple lookup (written for
composite primary keys), which PostgreSQL evaluates as a row value and uses as an index
bound (Django spells it out as the equivalent ORs on SQLite). The codec and the condition are
``core.keyset``'s, shared with the archive lists; what stays here is each list's order and how
strictly its cursor is read.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from vanthu.core.keyset import (
    BadCursor,
    OrderKey,
    encode_cursor,
    later_than,
    nulls_largest,
    order_keys,
)
from vanthu.core.keyset import decode_values as decode_token
from vanthu.registry.models import Document
from vanthu.registry.selectors import INCOMING_ORDER, OUTGOING_ORDER

MAX_ID = 2**63 - 1
MAX_NUMBER = 2**31 - 1
MAX_TOKEN = 400


def _bad() -> ValidationError:
    return ValidationError(
        {"after": [_("Con trỏ trang (after) không hợp lệ: hãy dùng next_after của trang trước.")]}
    )


def _int(value: Any, low: int, high: int) -> int:
    # bool is an int in Python, not in a cursor.
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _bad()
    return value


@dataclass(frozen=True)
class Keyset:
    """How one list is ordered (every key descending) and how its cursor is read and written."""

    order: Sequence[Any]
    decode_values: Callable[[list[Any]], tuple[Any, ...]]
    row_value: bool = False

    @cached_property
    def keys(self) -> list[OrderKey]:
        return order_keys(Document.objects.order_by(*self.order), explicit_nulls=True)

    def cursor(self, row: Document) -> str:
        # ASCII JSON (\u escapes), as these lists have always written it.
        values = [getattr(row, k.field.attname) for k in self.keys]
        return encode_cursor(values, ensure_ascii=True)

    def filter(self, qs: QuerySet[Document], token: str) -> QuerySet[Document]:
        """The rows of ``qs`` after the cursor ``token``; 400 ``after`` when it is not one."""
        try:
            values = decode_token(token, MAX_TOKEN)
        except BadCursor as exc:
            raise _bad() from exc
        key = self.decode_values(values)
        later = later_than(self.keys, key, nulls_largest(qs), row_value=self.row_value)
        if later is None:
            return qs.none()
        first = self.keys[0]
        if connections[qs.db].vendor == "sqlite" and not first.field.null:
            # The rows after the cursor never have a later first key: said on its own, it is
            # a range SQLite seeks on the list's index. With only the ORs of the row comparison
            # it gathered every earlier row by a MULTI-INDEX OR and sorted them (a city
            # leader's page 100: 4,071 → 248 ms CPU at 1,000,000 documents, docs/registry.md).
            qs = qs.filter(**{f"{first.name}__{'lte' if first.descending else 'gte'}": key[0]})
        return qs.filter(later)


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


# A numbered cursor is one row comparison: PostgreSQL starts the backward walk of
# doc_list_order right there; rows of the same period without a number compare as NULL
# (excluded): they came first. An unnumbered cursor (a delivery waiting for vào sổ) is the
# rest of its period's unnumbered rows, then its numbered ones, then the earlier periods.
INCOMING = Keyset(order=INCOMING_ORDER, decode_values=_incoming_values, row_value=True)


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


OUTGOING = Keyset(order=OUTGOING_ORDER, decode_values=_outgoing_values)
