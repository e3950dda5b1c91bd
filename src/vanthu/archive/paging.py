"""Pages of the archive's long lists: cheap counts and keyset cursors (``?after=``).

Counts: the registry's capped count (``registry.paging``, docs/registry.md "Lists") reused:
``count`` is exact up to ``COUNT_LIMIT`` rows the user may see, above it ``count`` is
``COUNT_LIMIT`` (a lower bound) and ``count_exact`` is false. Counting a whole 30,000-row due
list cost more than the page itself at 100,000 dossiers (docs/benchmarks.md, archive). A page
read after a cursor is not counted again (``count`` and ``count_exact`` null, ``core.keyset``).

Cursors: ``?page=500`` makes the database walk and drop 24,950 rows first; ``?after=<cursor>``
starts at the row after the cursor, found in the list's order index, so a deep page costs what
the first page costs. A cursor is the list's order values of the last row shown (``end_date,
code, pk`` or ``pk``), JSON in URL-safe base64, read and written by ``core.keyset`` (shared
with the registry's lists, where the reasons for not taking a library are given): the order
comes from the queryset itself (``order_keys``), the rows after the cursor are read block by
block (``rows_after``, ``keyset_page``).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, cast

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound
from rest_framework.request import Request

from vanthu.core.api import Pagination
from vanthu.core.keyset import OrderKeysetPaginationMixin
from vanthu.registry.paging import COUNT_LIMIT, CappedCountPaginator, DocumentListPagination


class UnorderedCappedCountPaginator(CappedCountPaginator):
    @cached_property
    def count(self) -> int:
        # Without the list's ORDER BY the database stops at the limit instead of sorting every
        # matching row first (the due list is ordered by end_date, code, pk).
        rows = cast(QuerySet[Any], self.object_list).order_by()
        found = rows.values("pk")[: self.limit + 1].count()
        self.count_exact = found <= self.limit
        return min(found, self.limit)


class ArchiveListPagination(OrderKeysetPaginationMixin, DocumentListPagination):
    django_paginator_class = UnorderedCappedCountPaginator

    def get_page_number(self, request: Request, paginator: Any) -> Any:
        number = request.query_params.get(self.page_query_param) or 1
        if number in self.last_page_strings and paginator.count and not paginator.count_exact:
            raise NotFound(
                _("Danh sách có hơn %s hồ sơ: hãy lọc bớt thay vì mở trang cuối.")
                % f"{paginator.limit:,}".replace(",", ".")
            )
        return Pagination.get_page_number(self, request, paginator)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        out = super().get_paginated_response_schema(schema)
        out["properties"]["count_exact"]["description"] = (
            f"False when more than {COUNT_LIMIT} rows match: count is then {COUNT_LIMIT}, "
            "a lower bound. Null on a page read after a cursor (?after=), like count."
        )
        return out
