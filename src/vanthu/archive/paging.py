"""Pages of the archive's long lists: cheap counts and keyset cursors (``?after=``).

Counts: the registry's capped count (``registry.paging``, docs/registry.md "Lists") reused:
``count`` is exact up to ``COUNT_LIMIT`` rows the user may see, above it ``count`` is
``COUNT_LIMIT`` (a lower bound) and ``count_exact`` is false. Counting a whole 30,000-row due
list cost more than the page itself at 100,000 dossiers (docs/benchmarks.md, archive).

Cursors: ``?page=500`` makes the database walk and drop 24,950 rows first; ``?after=<cursor>``
starts at the row after the cursor, found in the list's order index, so a deep page costs what
the first page costs. A cursor is the list's order values of the last row shown (``end_date,
code, pk`` or ``pk``), JSON in URL-safe base64. It is not signed: it names a position in the
order, never a row, and the rows after it are still filtered by the access policy, so a forged
cursor shows nothing that the first page would not. Written here, not taken from a library:
DRF's ``CursorPagination`` places its cursor on the first order field only and counts an
offset through the ties after it, answers a bad cursor with 404, and has no ``count``;
django-cursor-pagination rewrites the order to ``NULLS LAST`` (on SQLite an ASC index holds
NULLs first, so the list would be sorted whole again) and splits its cursor on ``|``, which a
dossier code may contain. The helpers below (``order_keys``, ``encode_cursor``,
``decode_cursor``, ``rows_after``, ``keyset_page``) know nothing of the archive and may serve
any list ordered by plain columns ending in ``pk``.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, reduce
from typing import Any, cast

from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Page
from django.db import connections, models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from vanthu.core.api import Pagination
from vanthu.registry.paging import COUNT_LIMIT, CappedCountPaginator, DocumentListPagination

AFTER = "after"
MAX_CURSOR_LENGTH = 2000
_BIGINT = 2**63


class BadCursor(ValueError):
    """A cursor that is not one this list gave out (the message is for the user)."""


@dataclass(frozen=True)
class OrderKey:
    name: str
    descending: bool
    field: models.Field[Any, Any]


def order_keys(qs: QuerySet[Any]) -> list[OrderKey]:
    """The list's order as plain columns; the last must be the primary key (a total order)."""
    meta = qs.model._meta
    keys = []
    for item in qs.query.order_by:
        if not isinstance(item, str) or "__" in item or item.lstrip("-") == "?":
            raise ImproperlyConfigured(f"keyset order must be plain columns, not {item!r}")
        name = item.lstrip("-")
        field = meta.pk if name == "pk" else meta.get_field(name)
        keys.append(OrderKey(name, item.startswith("-"), cast(models.Field[Any, Any], field)))
    if not keys or not keys[-1].field.primary_key:
        raise ImproperlyConfigured("keyset order must end with the primary key")
    return keys


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps([_plain(v) for v in values], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def cursor_for(row: models.Model, keys: Sequence[OrderKey]) -> str:
    return encode_cursor([getattr(row, k.field.attname) for k in keys])


def _value(key: OrderKey, value: Any) -> Any:
    field = key.field
    if value is None:
        if not field.null:
            raise BadCursor
        return None
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
    """The order values in ``raw``; ``BadCursor`` for anything this list could not have made."""
    if not raw or len(raw) > MAX_CURSOR_LENGTH:
        raise BadCursor(_("Con trỏ trang không hợp lệ."))
    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
        values = json.loads(text)
        if not isinstance(values, list) or len(values) != len(keys):
            raise BadCursor
        return [_value(k, v) for k, v in zip(keys, values, strict=True)]
    except (BadCursor, binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise BadCursor(_("Con trỏ trang không hợp lệ.")) from exc


def _nulls_last(key: OrderKey, vendor_nulls_largest: bool) -> bool:
    # PostgreSQL sorts NULL as the largest value, SQLite as the smallest: the cursor follows
    # the database's own order, the one its indexes hold.
    return vendor_nulls_largest != key.descending


def _later(keys: Sequence[OrderKey], values: Sequence[Any], nulls_largest: bool) -> Q | None:
    """Rows after ``values`` in the order ``keys`` (NULLs where the database puts them)."""
    branches: list[Q] = []
    same = Q()
    for key, value in zip(keys, values, strict=True):
        nulls_last = _nulls_last(key, nulls_largest)
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
    nulls_largest = bool(connections[qs.db].features.nulls_order_largest)
    first, v = keys[0], values[0]
    rest = _later(keys[1:], values[1:], nulls_largest)
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
    nulls_last = _nulls_last(first, nulls_largest)
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


class UnorderedCappedCountPaginator(CappedCountPaginator):
    @cached_property
    def count(self) -> int:
        # Without the list's ORDER BY the database stops at the limit instead of sorting every
        # matching row first (the due list is ordered by end_date, code, pk).
        rows = cast(QuerySet[Any], self.object_list).order_by()
        found = rows.values("pk")[: self.limit + 1].count()
        self.count_exact = found <= self.limit
        return min(found, self.limit)


class _CursorPage(Page):
    """A page read after a cursor: a next page exists when one more row was found."""

    def __init__(self, rows: list[Any], paginator: Any, next_after: str | None) -> None:
        super().__init__(rows, 1, paginator)
        self.next_after = next_after

    def has_next(self) -> bool:
        return self.next_after is not None

    def has_previous(self) -> bool:
        return False


class ArchiveListPagination(DocumentListPagination):
    django_paginator_class = UnorderedCappedCountPaginator
    after_query_param = AFTER
    after_query_description = (
        "Con trỏ trang (keyset): các dòng sau dòng cuối của trang trước, lấy từ next_after. "
        "Không dùng cùng page."
    )
    next_after: str | None = None

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any] | None:
        raw = request.query_params.get(self.after_query_param)
        self.next_after = None
        if raw is None:
            rows = super().paginate_queryset(queryset, request, view)
            if rows and self.page is not None and self.page.has_next():
                self.next_after = cursor_for(rows[-1], order_keys(queryset))
            return rows
        if self.page_query_param in request.query_params:
            raise ValidationError(
                {self.after_query_param: [_("Không dùng con trỏ trang cùng số trang.")]}
            )
        self.request = request
        size = self.get_page_size(request) or self.page_size or 50
        paginator = self.django_paginator_class(queryset, size)
        try:
            rows, self.next_after = keyset_page(queryset, raw, size)
        except BadCursor as exc:
            raise ValidationError({self.after_query_param: [str(exc)]}) from exc
        paginator.count  # noqa: B018 - the capped count, the same as the first page's
        self.page = _CursorPage(rows, paginator, self.next_after)
        return rows

    def get_page_number(self, request: Request, paginator: Any) -> Any:
        number = request.query_params.get(self.page_query_param) or 1
        if number in self.last_page_strings and paginator.count and not paginator.count_exact:
            raise NotFound(
                _("Danh sách có hơn %s hồ sơ: hãy lọc bớt thay vì mở trang cuối.")
                % f"{paginator.limit:,}".replace(",", ".")
            )
        return Pagination.get_page_number(self, request, paginator)

    def get_next_link(self) -> str | None:
        if not isinstance(self.page, _CursorPage):
            return cast(str | None, super().get_next_link())
        if self.next_after is None or self.request is None:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
        return cast(str, replace_query_param(url, self.after_query_param, self.next_after))

    def get_previous_link(self) -> str | None:
        if isinstance(self.page, _CursorPage):
            return None  # a cursor leads forward only; the client keeps the ones it followed
        return cast(str | None, super().get_previous_link())

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        response.data["next_after"] = self.next_after
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        out = super().get_paginated_response_schema(schema)
        out["properties"]["count_exact"]["description"] = (
            f"False when more than {COUNT_LIMIT} rows match: count is then {COUNT_LIMIT}, "
            "a lower bound."
        )
        out["properties"]["next_after"] = {
            "type": "string",
            "nullable": True,
            "description": (
                "Cursor of the next page (pass it as ?after=), null on the last page. With "
                "?after= the answer's previous is null."
            ),
        }
        return out

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        parameters.append(
            {
                "name": self.after_query_param,
                "required": False,
                "in": "query",
                "description": self.after_query_description,
                "schema": {"type": "string"},
            }
        )
        return parameters
