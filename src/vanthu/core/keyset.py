"""Keyset cursors (``?after=<cursor>``, ``next_after``) for the long lists of every app.

``?page=500`` makes the database walk and drop every row before the page; ``?after=<cursor>``
starts at the row after the cursor, found in the list's order index, so a deep page costs what
the first page costs (docs/benchmarks.md, "Registry" and archive). The registry's document lists
(``registry.keyset``) and the archive's due, review and archival-number lists
(``archive.paging``) share this module: the cursor codec, the "rows after this position"
condition built from the list's order (NULLs where the database, or the order, puts them) and
the DRF pagination mixin that reads ``after`` and answers ``next_after``. A page read after a
cursor answers ``count`` and ``count_exact`` null: the list is counted on the first page, which
every walk starts from, not again on each page after it.

A cursor is the list's order values of the last row shown, JSON in URL-safe base64 without
padding. It is not signed: it names a position in the order, never a row, and the rows after it
are still filtered by the access policy, so a forged cursor can move the start but never shows,
counts or reveals a row the first page would not.

Written here, not taken from a library: DRF's ``CursorPagination`` places its cursor on the
first order field only and counts an offset through the ties after it, answers a bad cursor with
404, and has no ``count``; django-cursor-pagination rewrites the order to ``NULLS LAST`` (on
SQLite an ASC index holds NULLs first, so the list would be sorted whole again) and splits its
cursor on ``|``, which a dossier code may contain. The row comparison ``(a, b, id) < (…)`` is
Django's own tuple lookup (written for composite primary keys), which PostgreSQL evaluates as a
row value and uses as an index bound (Django spells it out as the equivalent ORs on SQLite).
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any, cast

from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Page
from django.db import connections, models
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.db.models.lookups import Lookup
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

AFTER = "after"
MAX_CURSOR_LENGTH = 2000
_BIGINT = 2**63


class BadCursor(ValueError):
    """A cursor that is not one this list gave out (the message, when given, is for the user)."""


# --- the codec ---------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


def encode_cursor(values: Sequence[Any], *, ensure_ascii: bool = False) -> str:
    """``values`` as compact JSON in URL-safe base64 without padding.

    ``ensure_ascii`` only chooses how a non-ASCII letter is written (``\\u1ea1`` or UTF-8);
    ``decode_values`` reads both, so a saved cursor of either spelling stays readable.
    """
    raw = json.dumps([_plain(v) for v in values], ensure_ascii=ensure_ascii, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_values(raw: str, max_length: int = MAX_CURSOR_LENGTH) -> list[Any]:
    """The JSON list inside the cursor ``raw``; ``BadCursor`` when it is not one."""
    if not raw or len(raw) > max_length:
        raise BadCursor
    try:
        values = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode())
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise BadCursor from exc
    if not isinstance(values, list):
        raise BadCursor
    return values


# --- the list's order --------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderKey:
    name: str
    descending: bool
    field: models.Field[Any, Any]
    # True/False when the order says NULLS FIRST/LAST; None for the database's own default.
    nulls_first: bool | None = None

    def nulls_last(self, vendor_nulls_largest: bool) -> bool:
        if self.nulls_first is not None:
            return not self.nulls_first
        # PostgreSQL sorts NULL as the largest value, SQLite as the smallest: the cursor follows
        # the database's own order, the one its indexes hold.
        return vendor_nulls_largest != self.descending


def order_keys(qs: QuerySet[Any], *, explicit_nulls: bool = False) -> list[OrderKey]:
    """The list's order as plain columns; the last must be the primary key (a total order).

    With ``explicit_nulls`` an item may also be ``F(column).desc(nulls_first=True)`` (or any
    ``asc``/``desc`` of a plain column with or without a NULLS position).
    """
    meta = qs.model._meta
    keys = []
    for item in qs.query.order_by:
        nulls_first: bool | None = None
        if explicit_nulls and isinstance(item, OrderBy) and isinstance(item.expression, F):
            name, descending = item.expression.name, item.descending
            nulls_first = True if item.nulls_first else False if item.nulls_last else None
        elif isinstance(item, str) and "__" not in item and item.lstrip("-") != "?":
            name, descending = item.lstrip("-"), item.startswith("-")
        else:
            raise ImproperlyConfigured(f"keyset order must be plain columns, not {item!r}")
        if "__" in name:
            raise ImproperlyConfigured(f"keyset order must be plain columns, not {item!r}")
        field = meta.pk if name == "pk" else meta.get_field(name)
        keys.append(OrderKey(name, descending, cast(models.Field[Any, Any], field), nulls_first))
    if not keys or not keys[-1].field.primary_key:
        raise ImproperlyConfigured("keyset order must end with the primary key")
    return keys


def nulls_largest(qs: QuerySet[Any]) -> bool:
    return bool(connections[qs.db].features.nulls_order_largest)


def cursor_for(row: models.Model, keys: Sequence[OrderKey]) -> str:
    return encode_cursor([getattr(row, k.field.attname) for k in keys])


def _value(key: OrderKey, value: Any) -> Any:
    field = key.field
    if value is None:
        if not field.null:
            raise BadCursor
        return None
    if isinstance(field, models.ForeignKey):
        field = field.target_field  # ordered by the key's column (``organization_id``)
    if isinstance(field, models.DateTimeField):
        raise ImproperlyConfigured("keyset order on a date-time is not supported")
    if isinstance(field, models.DateField):
        if not isinstance(value, str):
            raise BadCursor
        try:
            return datetime.date.fromisoformat(value)
        except ValueError as exc:
            raise BadCursor from exc
    if isinstance(field, models.IntegerField | models.AutoField):
        if type(value) is not int or not -_BIGINT <= value < _BIGINT:
            raise BadCursor
        return value
    if isinstance(field, models.CharField | models.TextField):
        if not isinstance(value, str) or (field.max_length and len(value) > field.max_length):
            raise BadCursor
        return value
    raise ImproperlyConfigured(f"keyset order on {type(field).__name__} is not supported")


def decode_cursor(raw: str, keys: Sequence[OrderKey]) -> list[Any]:
    """The order values in ``raw``, read by the columns' types; ``BadCursor`` (with the user's
    message) for anything this list could not have made."""
    try:
        values = decode_values(raw)
        if len(values) != len(keys):
            raise BadCursor
        return [_value(k, v) for k, v in zip(keys, values, strict=True)]
    except (BadCursor, ValueError) as exc:
        raise BadCursor(_("Con trỏ trang không hợp lệ.")) from exc


# --- the rows after a position -----------------------------------------------------------------


def later_than(
    keys: Sequence[OrderKey],
    values: Sequence[Any],
    vendor_nulls_largest: bool,
    *,
    row_value: bool = False,
) -> Q | Lookup[Any] | None:
    """The condition "after ``values`` in the order ``keys``" (NULLs where they sort).

    With ``row_value``, when every key runs the same way, no value is NULL and no NULL sorts
    after a value, the condition is one row comparison ``(a, b, id) < (…)``, which PostgreSQL
    uses as the start of an index walk (rows whose later column is NULL compare as NULL and are
    left out: they sort before). Otherwise it is the OR of "the same up to key i, later at i".
    """
    if (
        row_value
        and len({k.descending for k in keys}) == 1
        and all(v is not None for v in values)
        and not any(k.field.null and k.nulls_last(vendor_nulls_largest) for k in keys)
    ):
        row = Tuple(*(F(k.name) for k in keys))
        lookup = TupleLessThan if keys[0].descending else TupleGreaterThan
        return cast(Lookup[Any], lookup(row, tuple(values)))
    branches: list[Q] = []
    same = Q()
    for key, value in zip(keys, values, strict=True):
        nulls_last = key.nulls_last(vendor_nulls_largest)
        if value is None:
            later = None if nulls_last else Q(**{f"{key.name}__isnull": False})
            equal = Q(**{f"{key.name}__isnull": True})
        else:
            later = Q(**{f"{key.name}__{'lt' if key.descending else 'gt'}": value})
            if nulls_last and key.field.null:
                later |= Q(**{f"{key.name}__isnull": True})
            equal = Q(**{key.name: value})
        if later is not None:
            branches.append(same & later)
        same &= equal
    return reduce(operator.or_, branches) if branches else None


def rows_after(qs: QuerySet[Any], values: Sequence[Any], size: int) -> list[Any]:
    """Up to ``size`` rows of ``qs`` after the position ``values``, in the list's order.

    The first order column splits the list in two blocks, its NULLs and the rest (which comes
    first depends on the database). Each block is read with a condition its index can seek
    (``end_date >= v`` or ``end_date IS NULL``), the later block only if the page is not full,
    instead of one OR that makes the database walk every row before the cursor.
    """
    keys = order_keys(qs)
    largest = nulls_largest(qs)
    first, v = keys[0], values[0]
    rest = cast(Q | None, later_than(keys[1:], values[1:], largest))
    if v is None:
        # The NULL block: the same (NULL) first value and later in the other columns.
        here = qs.filter(**{f"{first.name}__isnull": True})
        own = rest
    else:
        # Seek to the cursor's value, then: a later value, or the same one and later after it.
        bound, beyond = ("lte", "lt") if first.descending else ("gte", "gt")
        here = qs.filter(**{f"{first.name}__{bound}": v})
        own = Q(**{f"{first.name}__{beyond}": v})
        if rest is not None:
            own |= Q(**{first.name: v}) & rest
    rows = list(here.filter(own)[:size]) if own is not None else []
    nulls_last = first.nulls_last(largest)
    other_is_later = nulls_last if v is not None else not nulls_last
    if len(rows) < size and first.field.null and other_is_later:
        # The other block: the non-NULL rows when the cursor is in the NULLs, and vice versa.
        rows += list(qs.filter(**{f"{first.name}__isnull": v is not None})[: size - len(rows)])
    return rows


def keyset_page(qs: QuerySet[Any], after: str | None, size: int) -> tuple[list[Any], str | None]:
    """One page of ``qs`` (from the start, or after the cursor ``after``) and the next cursor.

    ``BadCursor`` when ``after`` is not a cursor of this list's shape.
    """
    keys = order_keys(qs)
    if after is None:
        rows = list(qs[: size + 1])
    else:
        rows = rows_after(qs, decode_cursor(after, keys), size + 1)
    more = len(rows) > size
    rows = rows[:size]
    return rows, cursor_for(rows[-1], keys) if more and rows else None


# --- DRF pagination ----------------------------------------------------------------------------


class _NotCounted:
    """The paginator of a cursor page: the list is not counted again (``count`` null)."""

    count = None
    count_exact = None


class CursorPage(Page):
    """A page read after a cursor: a next page exists when the next cursor is known."""

    def __init__(self, rows: list[Any], next_after: str | None) -> None:
        super().__init__(rows, 1, cast(Any, _NotCounted()))
        self.next_after = next_after

    def has_next(self) -> bool:
        return self.next_after is not None

    def has_previous(self) -> bool:
        return False


class KeysetPaginationMixin:
    """``?after=<cursor>`` and ``next_after`` on top of a page-number pagination whose
    ``django_paginator_class`` takes ``(queryset, size)`` (the capped count of
    ``registry.paging``). A subclass says how its list's cursors are read and written
    (``keyset_rows``, ``keyset_cursor``) and describes them in the schema."""

    after_query_param = AFTER
    after_query_description = ""
    next_after_description = ""
    next_after: str | None = None

    # Given by the page-number pagination this mixin is combined with.
    page: Page | None
    page_query_param: str
    request: Request | None
    django_paginator_class: Any

    def keyset_rows(
        self, queryset: QuerySet[Any], after: str, size: int, view: Any
    ) -> tuple[list[Any], str | None]:
        """Up to ``size`` rows after the cursor ``after`` and the cursor of the next page (None
        on the last); ``ValidationError`` on ``after`` when it is not a cursor of this list."""
        raise NotImplementedError

    def keyset_cursor(self, queryset: QuerySet[Any], row: Any, view: Any) -> str:
        """The cursor of ``row``, the last of a numbered page that another page follows."""
        raise NotImplementedError

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any] | None:
        raw = request.query_params.get(self.after_query_param)
        self.next_after = None
        if raw is None:
            rows = cast(list[Any] | None, super().paginate_queryset(queryset, request, view))  # type: ignore[misc]
            if rows and self.page is not None and self.page.has_next():
                self.next_after = self.keyset_cursor(queryset, rows[-1], view)
            return rows
        if self.page_query_param in request.query_params:
            raise ValidationError(
                {self.after_query_param: [_("Không dùng con trỏ trang cùng số trang.")]}
            )
        self.request = request
        size = self.get_page_size(request) or self.page_size or 50  # type: ignore[attr-defined]
        rows, self.next_after = self.keyset_rows(queryset, raw, size, view)
        # Not counted again: the count is the whole list's, answered by the first page, and
        # recounting it cost as much as the page itself (docs/benchmarks.md, archive).
        self.page = CursorPage(rows, self.next_after)
        return rows

    def get_next_link(self) -> str | None:
        if not isinstance(self.page, CursorPage):
            return cast(str | None, super().get_next_link())  # type: ignore[misc]
        if self.next_after is None or self.request is None:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
        return cast(str, replace_query_param(url, self.after_query_param, self.next_after))

    def get_previous_link(self) -> str | None:
        if isinstance(self.page, CursorPage):
            return None  # a cursor leads forward only; the client keeps the ones it followed
        return cast(str | None, super().get_previous_link())  # type: ignore[misc]

    def get_paginated_response(self, data: Any) -> Response:
        response = cast(Response, super().get_paginated_response(data))  # type: ignore[misc]
        response.data["next_after"] = self.next_after
        if isinstance(self.page, CursorPage):
            for name in ("count", "count_exact"):
                if name in response.data:
                    response.data[name] = None
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        out = cast(dict[str, Any], super().get_paginated_response_schema(schema))  # type: ignore[misc]
        out["properties"]["count"]["nullable"] = True
        if "count_exact" in out["properties"]:
            exact = out["properties"]["count_exact"]
            exact["nullable"] = True
            exact["description"] = exact.get("description", "") + " Null after a cursor."
        out["properties"]["count"]["description"] = (
            "The whole list's count on a numbered page; null on a page read after a cursor "
            "(?after=), which does not count the list again: keep the first page's."
        )
        out["properties"]["next_after"] = {
            "type": "string",
            "nullable": True,
            "description": self.next_after_description,
        }
        return out

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        params = list(super().get_schema_operation_parameters(view))  # type: ignore[misc]
        params.append(
            {
                "name": self.after_query_param,
                "required": False,
                "in": "query",
                "description": self.after_query_description,
                "schema": {"type": "string"},
            }
        )
        return params


class OrderKeysetPaginationMixin(KeysetPaginationMixin):
    """Keyset pages of a list ordered by plain columns ending in the primary key: the cursor is
    the order values of the queryset's own ``order_by`` (``order_keys``), the rows after it
    are read by ``keyset_page``; a bad cursor is 400 on ``after``. Used by the archive's lists
    and the records dossier list."""

    after_query_description = (
        "Con trỏ trang (keyset): các dòng sau dòng cuối của trang trước, lấy từ next_after. "
        "Không dùng cùng page."
    )
    next_after_description = (
        "Cursor of the next page (pass it as ?after=), null on the last page. With "
        "?after= the answer's previous is null."
    )

    def keyset_rows(
        self, queryset: QuerySet[Any], after: str, size: int, view: Any
    ) -> tuple[list[Any], str | None]:
        try:
            return keyset_page(queryset, after, size)
        except BadCursor as exc:
            raise ValidationError({self.after_query_param: [str(exc)]}) from exc

    def keyset_cursor(self, queryset: QuerySet[Any], row: Any, view: Any) -> str:
        return cursor_for(row, order_keys(queryset))
