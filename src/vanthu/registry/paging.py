"""Pages of the document lists whose count stays cheap at any size (docs/registry.md, "Lists").

Counting every visible document through the access policy costs 1.8 s at 1,000,000 documents
(docs/benchmarks.md, "Registry"). The lists therefore count at most ``COUNT_LIMIT + 1`` rows,
walking the list's own index: up to ``COUNT_LIMIT`` the ``count`` is exact, as the contract
says; above it ``count`` is ``COUNT_LIMIT`` and ``count_exact`` is false, so that ``count`` is
never more than the truth and never an estimate (an estimate from the planner's statistics
would be computed over rows the user may not see). Pages beyond the limit still work: ``next``
is given while one more row exists.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, cast

from django.core.paginator import EmptyPage, Page, PageNotAnInteger
from django.core.paginator import Paginator as DjangoPaginator
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from vanthu.core.api import Pagination
from vanthu.core.keyset import KeysetPaginationMixin
from vanthu.registry.keyset import Keyset

COUNT_LIMIT = 10_000


class _OpenPage(Page):
    """A page past the counted rows: whether another follows is known from one extra row."""

    def __init__(self, rows: list[Any], number: int, paginator: Any, has_more: bool) -> None:
        super().__init__(rows, number, paginator)
        self._has_more = has_more

    def has_next(self) -> bool:
        return self._has_more


class CappedCountPaginator(DjangoPaginator):
    limit = COUNT_LIMIT
    count_exact = True  # set by ``count``

    def __init__(
        self, object_list: Any, per_page: int, *, counted: QuerySet[Any] | None = None
    ) -> None:
        super().__init__(object_list, per_page)
        # What to count when ``object_list`` is not itself a queryset (the web list's blocks).
        self.counted = counted

    @property
    def limit_label(self) -> str:
        """The limit as Vietnamese write it (10.000), for "hơn 10.000 văn bản"."""
        return f"{self.limit:,}".replace(",", ".")

    @cached_property
    def count(self) -> int:
        # Only the ids: the list's annotations (status note) are not computed for counting.
        # Without the list's ORDER BY: any ``limit + 1`` visible rows answer the capped count,
        # so the database stops at the limit on whichever index finds matching rows first
        # instead of sorting them (``status=new``: 1.0 s ordered, 0.12 s not, at 1,000,000
        # documents; docs/registry.md, "Lists").
        rows = self.counted if self.counted is not None else cast(QuerySet[Any], self.object_list)
        found = rows.order_by().values("pk")[: self.limit + 1].count()
        self.count_exact = found <= self.limit
        return min(found, self.limit)

    def validate_number(self, number: Any) -> int:
        if self.count >= 0 and self.count_exact:  # the count sets count_exact
            return int(super().validate_number(number))
        try:
            value = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(_("Số trang phải là số nguyên.")) from exc
        if value < 1:
            raise EmptyPage(_("Số trang phải từ 1 trở lên."))
        return value

    def page(self, number: Any) -> Page:
        """The page, its rows read first: a page that is not full is the last one, so the count
        is its offset plus its rows and is not asked of the database (docs/api.md's ``count``,
        exact). Only a full page, or an empty one past the first, asks the capped count."""
        try:
            value = int(number)
        except (TypeError, ValueError):
            value = 0
        bottom = (value - 1) * self.per_page
        # Only pages within the counted rows are read first: a page number far beyond them
        # (``?page=99999999999``) is refused by the count as before, never sent as an OFFSET.
        if value < 1 or "count" in self.__dict__ or bottom > self.limit:
            return self._counted_page(number)
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if (rows or value == 1) and len(rows) <= self.per_page and bottom + len(rows) <= self.limit:
            self.__dict__["count"] = bottom + len(rows)  # the cached_property's own slot
            self.count_exact = True
            return Page(rows, value, self)
        if not rows:
            return self._counted_page(number)  # EmptyPage, or the last page for get_page
        self.validate_number(value)  # counts (capped); the page exists, it has rows
        if self.count_exact:
            return Page(rows[: self.per_page], value, self)
        return _OpenPage(rows[: self.per_page], value, self, len(rows) > self.per_page)

    def get_page(self, number: Any) -> Page:
        # Django's get_page validates (counts) before reading; page() reads first.
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(self.num_pages)

    def _counted_page(self, number: Any) -> Page:
        number = self.validate_number(number)
        if self.count_exact:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(_("Trang này không có kết quả."))
        return _OpenPage(rows[: self.per_page], number, self, len(rows) > self.per_page)


class DocumentListPagination(Pagination):
    django_paginator_class = CappedCountPaginator

    def get_page_number(self, request: Request, paginator: Any) -> Any:
        number = request.query_params.get(self.page_query_param) or 1
        if number in self.last_page_strings and paginator.count and not paginator.count_exact:
            raise NotFound(
                _("Danh sách có hơn %s văn bản: hãy lọc bớt thay vì mở trang cuối.")
                % f"{COUNT_LIMIT:,}".replace(",", ".")
            )
        return super().get_page_number(request, paginator)

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        paginator = self.page.paginator if self.page is not None else None
        response.data["count_exact"] = bool(getattr(paginator, "count_exact", True))
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        out = super().get_paginated_response_schema(schema)
        out["properties"]["count_exact"] = {
            "type": "boolean",
            "description": (
                f"False when more than {COUNT_LIMIT} documents match: count is then "
                f"{COUNT_LIMIT}, a lower bound."
            ),
        }
        return out


class DocumentCursorPagination(KeysetPaginationMixin, DocumentListPagination):
    """The document lists' pages (numbered, with the capped count) plus ``?after=<cursor>``:
    the rows after the last row of the previous page, read from the list's index at any depth
    (``registry.keyset``, ``core.keyset``). Every answer carries ``next_after``, the cursor of
    its last row when another row follows. The view names its order as ``keyset``."""

    next_after_description = (
        "Cursor of the last row when another follows (null on the last page): pass it "
        "as ?after= for the next page, read from the list's index at any depth."
    )
    after_query_description = (
        "Keyset cursor: the rows after the last row of the previous page, as given "
        "in its next_after. Not together with page; a bad cursor is 400 "
        "{after: [...]}."
    )

    def keyset_rows(
        self, queryset: QuerySet[Any], after: str, size: int, view: Any
    ) -> tuple[list[Any], str | None]:
        keyset = cast(Keyset, view.keyset)
        rows = list(keyset.filter(queryset, after)[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        return rows, keyset.cursor(rows[-1]) if more and rows else None

    def keyset_cursor(self, queryset: QuerySet[Any], row: Any, view: Any) -> str:
        return cast(Keyset, view.keyset).cursor(row)
