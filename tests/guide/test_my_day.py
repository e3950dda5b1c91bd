"""Việc hôm nay and the role checklists: only what the user may see, counts included."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from tests.guide.conftest import client_for
from vanthu.registry import services
from vanthu.registry.models import Assignment

pytestmark = pytest.mark.django_db

SECRET_SUMMARY = "Kế hoạch bảo vệ mục tiêu trọng điểm MẬT-7731"
OPEN_SUMMARY = "V/v chuẩn bị hội nghị sơ kết quý MỞ-5520"


@pytest.fixture(autouse=True)
def _isolated(settings: Any) -> None:
    # Classified summaries are stored only in the isolated zone (docs/security.md).
    settings.VANTHU_SECURITY_ZONE = "isolated"


def _assign(people: Any, register: Any, summary: str, deadline: datetime.date) -> Any:
    document = register(summary=summary)
    services.present(actor=people.clerk, document=document, leader=people.leader)
    services.assign(
        actor=people.leader, document=document, lead=people.specialist, deadline=deadline
    )
    return document


def test_my_day_lists_work_due_today_and_overdue_not_later(people: Any, register: Any) -> None:
    today = timezone.localdate()
    due = _assign(people, register, OPEN_SUMMARY, today)
    later = _assign(people, register, "V/v báo cáo năm SAU-1200", today + datetime.timedelta(30))
    overdue = _assign(people, register, "V/v kiểm tra QUÁ-4410", today)
    Assignment.objects.filter(document=overdue).update(deadline=today - datetime.timedelta(3))

    html = client_for(people.specialist).get("/hom-nay/").content.decode()
    assert OPEN_SUMMARY in html and "QUÁ-4410" in html
    assert "SAU-1200" not in html
    assert "Còn 1 việc khác" in html
    assert f"/van-ban/den/{due.pk}/" in html and f"/van-ban/den/{later.pk}/" not in html
    assert html.count("app-overdue") == 1


def test_my_day_never_shows_a_classified_summary_to_an_uncleared_clerk(
    people: Any, register: Any
) -> None:
    register(summary=SECRET_SUMMARY, secrecy="confidential")
    register(summary=OPEN_SUMMARY)
    cleared = client_for(people.clerk).get("/hom-nay/").content.decode()
    uncleared = client_for(people.uncleared_clerk).get("/hom-nay/").content.decode()
    assert SECRET_SUMMARY in cleared and OPEN_SUMMARY in cleared
    assert OPEN_SUMMARY in uncleared
    assert SECRET_SUMMARY not in uncleared and "MẬT-7731" not in uncleared
    # Not even counted: the "chưa trình" section shows one document, not two.
    assert 'id="chua-trinh">Đã vào sổ, chưa trình <span class="badge text-bg-warning">1<' in (
        uncleared
    )
    assert 'id="chua-trinh">Đã vào sổ, chưa trình <span class="badge text-bg-warning">2<' in (
        cleared
    )


def test_my_day_of_a_leader_has_the_documents_waiting_for_direction(
    people: Any, register: Any
) -> None:
    document = register(summary=OPEN_SUMMARY)
    services.present(actor=people.clerk, document=document, leader=people.leader)
    html = client_for(people.leader).get("/hom-nay/").content.decode()
    assert 'id="cho-chi-dao"' in html and OPEN_SUMMARY in html
    other = client_for(people.other_specialist).get("/hom-nay/").content.decode()
    assert OPEN_SUMMARY not in other and 'id="cho-chi-dao"' not in other


def test_checklist_of_a_clerk_reports_the_register_of_the_year(people: Any, register: Any) -> None:
    year = timezone.localdate().year
    client = client_for(people.clerk)
    before = client.get("/hom-nay/viec-dinh-ky/").content.decode()
    assert f"Sổ đến năm {year} chưa mở." in before
    assert "Không còn văn bản chưa trình." in before
    register(summary=OPEN_SUMMARY)
    after = client.get("/hom-nay/viec-dinh-ky/").content.decode()
    assert f"Sổ đến năm {year} đã mở, đã vào 1 số." in after
    assert "1 văn bản chưa trình." in after
    assert "NĐ 30/2020 Điều 22" in after  # each task links to its rule


def test_checklist_counts_leave_out_what_the_user_may_not_see(people: Any, register: Any) -> None:
    register(summary=SECRET_SUMMARY, secrecy="confidential")
    cleared = client_for(people.clerk).get("/hom-nay/viec-dinh-ky/").content.decode()
    uncleared = client_for(people.uncleared_clerk).get("/hom-nay/viec-dinh-ky/").content.decode()
    assert "1 văn bản chưa trình." in cleared
    assert "Không còn văn bản chưa trình." in uncleared
    assert SECRET_SUMMARY not in cleared + uncleared  # the checklist names no document


def test_checklists_follow_the_roles(people: Any) -> None:
    clerk = client_for(people.clerk).get("/hom-nay/viec-dinh-ky/").content.decode()
    specialist = client_for(people.specialist).get("/hom-nay/viec-dinh-ky/").content.decode()
    assert 'id="vai-tro-clerk"' in clerk and 'id="vai-tro-leader"' not in clerk
    assert 'id="vai-tro-specialist"' in specialist and 'id="vai-tro-clerk"' not in specialist


def test_my_day_queries_do_not_grow_with_the_rows(people: Any, register: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    today = timezone.localdate()
    client = client_for(people.specialist)
    _assign(people, register, "V/v việc thứ nhất", today)
    client.get("/hom-nay/")  # warm the session and caches
    with CaptureQueriesContext(connection) as one:
        client.get("/hom-nay/")
    for n in range(3):
        _assign(people, register, f"V/v việc thêm {n}", today)
    with CaptureQueriesContext(connection) as four:
        html = client.get("/hom-nay/").content.decode()
    assert html.count("V/v việc thêm") == 3
    assert len(four) == len(one)
