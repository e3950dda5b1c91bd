"""Statistics (issue 10 items 1–3): counts per month, by type, processing on time / late /
open, the roll-up over the subtree for a leader — counts only, classified counted only where
the viewer may see them, a fixed number of queries."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from tests.factories import OrganizationFactory
from tests.reports.conftest import client_for, register_in
from vanthu.registry import services as registry
from vanthu.registry.models import Assignment, Document

URL = "/api/v1/reports/statistics/"


def this_year() -> dict[str, str]:
    year = timezone.localdate().year
    return {"date_from": f"{year}-01-01", "date_to": f"{year}-12-31"}


def stats(user: Any, **params: Any) -> dict[str, Any]:
    answer = client_for(user).get(URL, {**this_year(), **params})
    assert answer.status_code == 200, answer.content
    return dict(answer.json())


def finish(world: Any, document: Document, *, late: bool) -> None:
    """Complete the document, then move its deadline so the completion is on time or late
    (a deadline in the past cannot be entered through the services)."""
    registry.complete(actor=world.leader, document=document)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Document.objects.filter(pk=document.pk).update(
        deadline=yesterday if late else timezone.localdate()
    )


def test_clerk_sees_counts_of_own_organisation(world: Any) -> None:
    data = stats(world.uncleared_clerk)
    assert data["rollup"] is False
    assert data["children"] == []
    # The ordinary incoming only: the secret one is not visible, the old one is out of period,
    # DU1's belongs to another organisation.
    assert data["totals"]["incoming"] == 1
    assert data["totals"]["outgoing"] == 1
    month = f"{timezone.localdate():%Y-%m}"
    by_month = {m["month"]: m for m in data["by_month"]}
    assert len(by_month) == 12
    assert by_month[month]["incoming"] == 1 and by_month[month]["outgoing"] == 1
    types = {t["document_type"]: t for t in data["by_type"]}
    assert types["CV"] == {"document_type": "CV", "name": "Công văn", "incoming": 1, "outgoing": 0}
    assert types["TB"]["outgoing"] == 1


def test_cleared_clerk_counts_the_classified_one(world: Any) -> None:
    assert stats(world.clerk)["totals"]["incoming"] == 2


def test_processing_on_time_late_and_open(world: Any) -> None:
    late_doc = register_in(world.clerk, world.city.tu, summary="Trễ hạn")
    registry.assign(actor=world.leader, document=late_doc, lead=world.specialist)
    finish(world, late_doc, late=True)
    finish(world, world.ordinary, late=False)
    overdue = register_in(world.clerk, world.city.tu, summary="Chưa xử lý, đã quá hạn")
    Document.objects.filter(pk=overdue.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=3)
    )
    totals = stats(world.uncleared_clerk)["totals"]
    assert totals["incoming"] == 3
    assert (totals["on_time"], totals["late"], totals["open"], totals["overdue"]) == (1, 1, 1, 1)
    assert Assignment.objects.filter(document=late_doc, done_at__isnull=False).exists()


def test_leader_gets_one_row_per_direct_child_counts_only(world: Any) -> None:
    register_in(world.clerk_du1, world.city.du1, summary="Thứ hai của phường")
    cb_clerk = world.clerk_du1.__class__.objects.create(
        username="vt_cb1", organization=world.city.cb1
    )
    cb_clerk.positions.create(organization=world.city.cb1, role="clerk")
    register_in(cb_clerk, world.city.cb1, summary="Của chi bộ khu phố 1")
    data = stats(world.leader)
    assert data["rollup"] is True
    rows = {r["organization"]["code"]: r for r in data["children"]}
    assert list(rows) == ["TU", "VPTU", "DU1", "DU2"]
    assert rows["TU"]["own"] is True
    # The leader is not a participant of the secret one: need-to-know keeps it out of counts.
    assert rows["TU"]["incoming"] == 1 and rows["TU"]["outgoing"] == 1
    # DU1's row sums its own documents and its grassroots cell's.
    assert rows["DU1"]["incoming"] == 3
    assert rows["DU2"]["incoming"] == 0 and rows["VPTU"]["incoming"] == 0
    assert data["totals"]["incoming"] == 4
    text = str(data)
    assert "Thứ hai của phường" not in text and "XKQ" not in text
    assert set(rows["DU1"]) == {
        "organization",
        "own",
        "incoming",
        "outgoing",
        "on_time",
        "late",
        "open",
        "overdue",
    }


def test_leader_counts_the_classified_document_once_it_is_presented_to_him(world: Any) -> None:
    registry.present(actor=world.clerk, document=world.secret, leader=world.leader)
    rows = {r["organization"]["code"]: r for r in stats(world.leader)["children"]}
    assert rows["TU"]["incoming"] == 2


def test_leader_may_ask_for_a_child_organisation(world: Any) -> None:
    data = stats(world.leader, organization=world.city.du1.pk)
    assert data["organization"]["code"] == "DU1"
    assert [r["organization"]["code"] for r in data["children"]] == ["DU1", "CB1"]


def test_another_organisation_is_404(world: Any) -> None:
    answer = client_for(world.clerk_du2).get(URL, {"organization": world.city.du1.pk})
    assert answer.status_code == 404
    answer = client_for(world.clerk_du1).get(URL, {"organization": world.city.tu.pk})
    assert answer.status_code == 404
    assert client_for(world.clerk).get(URL, {"organization": 999999}).status_code == 404


@pytest.mark.parametrize(
    ("field", "params"),
    [
        ("date_to", {"date_from": "2026-03-01", "date_to": "2026-02-01"}),
        ("date_from", {"date_from": "01-13-2026"}),
        ("date_to", {"date_from": "2000-01-01", "date_to": "2026-01-01"}),
        ("organization", {"organization": "TU"}),
    ],
)
def test_bad_input_is_400_with_field_error(world: Any, field: str, params: dict[str, str]) -> None:
    answer = client_for(world.leader).get(URL, params)
    assert answer.status_code == 400
    assert field in answer.json()


def test_query_count_does_not_grow_with_the_number_of_children(
    world: Any, django_assert_num_queries: Any
) -> None:
    client = client_for(world.leader)
    client.get(URL)  # warm the content-type cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        assert client.get(URL).status_code == 200
    for i in range(5):
        OrganizationFactory(code=f"DUX{i}", name=f"Đảng ủy xã {i}", parent=world.city.tu)
    with django_assert_num_queries(len(before.captured_queries)):
        data = client.get(URL).json()
    assert len(data["children"]) == 9
    assert len(before.captured_queries) <= 10
