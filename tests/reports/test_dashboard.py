"""The home-page dashboard per role (issue 10, point 1): counts through the access policy."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.reports.conftest import SECRET_SUMMARY, World, register_in
from vanthu.records.models import Dossier
from vanthu.records.services import dossiers as dossier_services
from vanthu.registry import sending
from vanthu.registry.models import Document
from vanthu.reports.dashboard import dashboard

pytestmark = pytest.mark.django_db


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
    assert page.count("<svg") == 2  # in and out by month; on time and late by unit
    client.force_login(world.uncleared_clerk)
    page = client.get("/").content.decode()
    assert "Chờ vào sổ" in page and SECRET_SUMMARY not in page
