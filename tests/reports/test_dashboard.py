"""The home-page dashboard per role (issue 10, point 1): counts through the access policy."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from tests.reports.conftest import OTHER_ORG_SUMMARY, SECRET_SUMMARY, World, register_in
from vanthu.records.models import Dossier
from vanthu.records.services import dossiers as dossier_services
from vanthu.registry import sending
from vanthu.registry import services as registry
from vanthu.registry.models import Document
from vanthu.reports import summary
from vanthu.reports.charts import stacked_bar_chart
from vanthu.reports.dashboard import dashboard

pytestmark = pytest.mark.django_db

CLASSIFIED_IN_WARD = "Phương án bảo vệ an ninh nội bộ phường QPX-515"


@pytest.fixture(autouse=True)
def _no_cached_figures() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def _row(user: Any, code: str) -> dict[str, Any]:
    comparison = dashboard(user)["comparison"]
    assert comparison is not None
    return next(r for r in comparison["rows"] if r["code"] == code)


def _panel(user: Any, role: str) -> dict[str, Any]:
    found = [p for p in dashboard(user)["panels"] if p["role"] == role]
    assert len(found) == 1, [p["role"] for p in dashboard(user)["panels"]]
    return found[0]


def _count(panel: dict[str, Any], label: str) -> int:
    return next(n for text, n, _url in panel["counts"] if text == label)


def test_clerk_counts_only_what_the_clerk_may_see(world: World) -> None:
    # Registered, not yet presented: the old one and the confidential one.
    assert _count(_panel(world.clerk, "clerk"), "Chưa trình lãnh đạo") == 2
    uncleared = _panel(world.uncleared_clerk, "clerk")
    assert _count(uncleared, "Chưa trình lãnh đạo") == 1
    assert SECRET_SUMMARY not in str(dashboard(world.uncleared_clerk))


def test_clerk_sees_the_delivered_queue_urgent_first(world: World) -> None:
    sending.send_outgoing(actor=world.clerk, document=world.outgoing)
    panel = _panel(world.clerk_du1, "clerk")
    assert _count(panel, "Chờ vào sổ") == 1
    assert panel["items"][0]["number_symbol"] == world.outgoing.number_symbol
    # The sender's own clerk has nothing waiting.
    assert _count(_panel(world.clerk, "clerk"), "Chờ vào sổ") == 0


def test_leader_sees_overdue_by_unit_in_its_subtree(world: World) -> None:
    today = timezone.localdate()
    late = register_in(world.clerk_du1, world.city.du1, summary="Báo cáo quá hạn của phường")
    # The deadline passed since (registration itself refuses a deadline in the past).
    Document.objects.filter(pk=late.pk).update(deadline=today - datetime.timedelta(days=3))
    # No service moves a deadline into the past: the counter cells follow the edit by hand
    # as a service's hook would (reports.summary.track).
    summary.track([late.pk])
    panel = _panel(world.leader, "leader")
    assert _count(panel, "Quá hạn giải quyết") == 1
    assert panel["overdue_by_unit"] == [{"unit": "Đảng ủy phường Bến Nghé", "count": 1}]
    # A clerk of the ward holds no leader panel, and the specialist none at all.
    assert [p["role"] for p in dashboard(world.clerk_du1)["panels"]] == ["clerk"]
    assert dashboard(world.specialist)["panels"] == []


def test_own_work_counts_open_assignments(world: World) -> None:
    own = dashboard(world.specialist)["own"]
    assert dict((t, n) for t, n, _u in own["counts"]) == {"Đang giải quyết": 1, "Quá hạn": 0}


def test_archivist_sees_closed_dossiers_not_yet_transferred(world: World, make_user: Any) -> None:
    archivist = make_user(
        username="lt_tu", organization=world.city.tu, roles=["archivist"], clearance="none"
    )
    dossier = dossier_services.create_dossier(
        actor=archivist,
        organization=world.city.tu,
        data={"code": "01", "title": "Hồ sơ hội nghị", "year": 2025, "retention_years": 10},
    )
    dossier_services.add_document(actor=archivist, dossier=dossier, document=world.old)
    dossier_services.close_dossier(actor=archivist, dossier=dossier)
    assert Dossier.objects.get(pk=dossier.pk).status == Dossier.Status.CLOSED
    panel = _panel(archivist, "archivist")
    assert _count(panel, "Hồ sơ đã kết thúc, chưa nộp lưu") == 1
    assert _count(panel, "trong đó quá 1 năm (NĐ 30 Điều 30)") == 0


def test_home_page_shows_the_panels_and_charts(world: World, settings: Any) -> None:
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    client = Client()
    client.force_login(world.leader)
    page = client.get("/").content.decode()
    assert "Bảng tin" in page and "Chờ cho ý kiến chỉ đạo" in page
    # In and out by month; processing per unit; by type.
    assert page.count("<svg") == 3
    assert "So sánh các đơn vị trực thuộc" in page
    assert "<style" not in page  # the CSP allows no inline style: print rules live in app.css
    client.force_login(world.uncleared_clerk)
    page = client.get("/").content.decode()
    assert "Chờ vào sổ" in page and SECRET_SUMMARY not in page


def test_a_city_leader_compares_its_subordinate_committees(world: World) -> None:
    result = dashboard(world.leader)
    comparison = result["comparison"]
    assert comparison["units"] == 3  # VP, DU1, DU2 below TU
    codes = [r["code"] for r in comparison["rows"]]
    assert codes[0] == world.city.tu.code and comparison["rows"][0]["own"] is True
    assert set(codes[1:]) == {world.city.vp.code, world.city.du1.code, world.city.du2.code}
    du1 = _row(world.leader, world.city.du1.code)
    assert du1["incoming"] == 1 and du1["open"] == 1
    total = comparison["total"]
    assert total["incoming"] == sum(r["incoming"] for r in comparison["rows"])
    assert total["outgoing"] == 1
    assert len(result["charts"]) == 3
    per_unit = str(result["charts"][1])
    assert "Đảng ủy phường Bến Nghé" in per_unit and "Đã giải quyết đúng hạn" in per_unit
    # Counts only: no title of any document.
    assert OTHER_ORG_SUMMARY not in str(result["comparison"]) + "".join(map(str, result["charts"]))
    # Not a leader: no comparison, but still the three charts (its own organisation only).
    clerk = dashboard(world.clerk)
    assert clerk["comparison"] is None and len(clerk["charts"]) == 3


def test_a_classified_document_below_counts_only_for_a_leader_who_may_see_it(
    world: World, make_user: Any
) -> None:
    uncleared = make_user(
        username="ld2_tu", organization=world.city.tu, roles=["leader"], clearance="none"
    )
    cleared_no_need = make_user(
        username="ld3_tu", organization=world.city.tu, roles=["leader"], clearance="top_secret"
    )
    before = {
        u.username: _row(u, world.city.du1.code)["incoming"] for u in (world.leader, uncleared)
    }
    secret = register_in(
        world.clerk_du1,
        world.city.du1,
        secrecy="confidential",
        summary=CLASSIFIED_IN_WARD,
        number_symbol="07-KH/ĐU",
    )
    registry.present(actor=world.clerk_du1, document=secret, leader=world.leader)
    # Cleared and presented to (need-to-know): counted, also in the totals and the chart.
    assert _row(world.leader, world.city.du1.code)["incoming"] == before["ld_tu"] + 1
    # No clearance: not counted anywhere; cleared without need-to-know: not counted either.
    for user in (uncleared, cleared_no_need):
        result = dashboard(user)
        assert _row(user, world.city.du1.code)["incoming"] == before["ld2_tu"]
        assert result["comparison"]["total"]["incoming"] == before["ld2_tu"] + sum(
            r["incoming"] for r in result["comparison"]["rows"] if r["code"] != world.city.du1.code
        )
        assert CLASSIFIED_IN_WARD not in str(result)


def test_cached_figures_follow_every_recorded_change(world: World) -> None:
    first = _row(world.leader, world.city.du2.code)["incoming"]
    assert _row(world.leader, world.city.du2.code)["incoming"] == first  # from the cache
    register_in(world.clerk_du2, world.city.du2, summary="Báo cáo quý của phường Đa Kao")
    assert _row(world.leader, world.city.du2.code)["incoming"] == first + 1


def test_the_page_prints_the_comparison_and_charts(world: World, settings: Any) -> None:
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    client = Client()
    client.force_login(world.leader)
    page = client.get("/").content.decode()
    assert "Tổng cộng" in page and "Tỷ lệ đúng hạn" in page
    assert "Đảng ủy phường Bến Nghé" in page
    stylesheet = Path(str(finders.find("web/app.css"))).read_text()
    style = stylesheet[stylesheet.index(".app-chart svg") :]
    assert "@media print" in style and "break-inside: avoid" in style and ".badge" in style
    assert "web/app.css" in page
    assert "Văn bản đến và đi theo loại" in page and "theo tháng" in page


def test_stacked_chart_has_one_row_per_unit_and_escapes_names() -> None:
    names = [f"Đảng bộ {i:02d}" for i in range(59)] + ["<b>Đảng ủy</b>"]
    svg = str(
        stacked_bar_chart(
            names,
            [("Đúng hạn", list(range(60))), ("Quá hạn", [1] * 60), ("Đang", [0] * 60)],
            "So sánh",
        )
    )
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<b>" not in svg and "&lt;b&gt;Đảng ủy&lt;/b&gt;" in svg
    # A zero segment draws nothing; each unit: one bar per non-zero series, total at the end.
    assert len(re.findall(r"<rect [^>]*><title>Quá hạn", svg)) == 60
    assert len(re.findall(r"<rect [^>]*><title>Đúng hạn", svg)) == 59
    assert ">60</text>" in svg  # the last unit's total: 59 + 1


def test_the_clerks_counts_read_their_status_range_not_the_whole_organisation(
    world: World,
) -> None:
    """The clerk's "waiting / new" counts must be a range of ``doc_status`` (organisation,
    direction, status). With a plain index on the organisation alongside, SQLite, which keeps no
    per-value statistics, took that one and read every document of the organisation: 62 ms
    against 0.01 ms at 1,000,000 documents (docs/benchmarks.md)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as seen:
        _panel(world.clerk, "clerk")
    counts = [q["sql"] for q in seen.captured_queries if "pending_registration" in q["sql"]]
    assert counts, [q["sql"][:120] for q in seen.captured_queries]
    with connection.cursor() as cursor:
        indexes = {
            (name, tuple(columns))
            for name, info in connection.introspection.get_constraints(
                cursor, Document._meta.db_table
            ).items()
            if info["index"]
            for columns in [info["columns"]]
        }
        assert not [name for name, cols in indexes if cols == ("organization_id",)], indexes
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {counts[0]}")
            plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
            assert "USING INDEX doc_status (organization_id=? AND direction=? AND status=?)" in (
                plan
            ), plan
