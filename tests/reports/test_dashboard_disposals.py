"""The archivist's panel counts the disposal lists not yet carried out (issue 10, point 1:
"for an archivist, dossiers due for transfer and disposals pending")."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from tests.archive.test_disposal import expired, new_disposal
from tests.records.conftest import Office
from vanthu.reports.dashboard import dashboard

pytestmark = pytest.mark.django_db

PENDING = "Danh mục hủy chưa thực hiện"


def _pending(user: Any) -> int:
    cache.clear()  # the figures are cached per user; count afresh
    panel = next(p for p in dashboard(user)["panels"] if p["role"] == "archivist")
    return int(next(n for text, n, _url in panel["counts"] if text == PENDING))


def test_the_archivist_counts_the_disposal_lists_of_its_organisation_not_yet_carried_out(
    city: Any, make_user: Any
) -> None:
    office = Office(city, make_user)
    other = make_user(
        username="luutru_du1", organization=city.du1, roles=["archivist"], clearance="secret"
    )
    assert (_pending(office.archivist), _pending(other)) == (0, 0)
    new_disposal(office, [expired(office, "01")])
    assert (_pending(office.archivist), _pending(other)) == (1, 0)
