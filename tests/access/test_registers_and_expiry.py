"""The printed registers (sổ chuyển giao, sổ quản lý sao chụp), the list of protection periods
ending soon with its beat job, and the "Mật" panel on the document page."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from tests.access.conftest import Office, api
from tests.security.conftest import body_of, pdf_text
from vanthu.access.classified.periods import add_years
from vanthu.audit.models import Event
from vanthu.core import jobs
from vanthu.core.models import Job
from vanthu.registry.models import Document

pytestmark = pytest.mark.django_db

HANDOVER_PDF = "/api/v1/classified/registers/handover.pdf"
COPIES_PDF = "/api/v1/classified/registers/copies.pdf"


def hand_over(office: Office, document: Document, **body: Any) -> dict[str, Any]:
    answer = api(office.clerk).post(
        f"/api/v1/documents/{document.pk}/handovers/", body, format="json"
    )
    assert answer.status_code == 201, answer.content
    return dict(answer.json())


def test_handover_register_prints_the_year_s_hand_overs(office: Office) -> None:
    secret = office.classified("secret", number_symbol="45-CV/BTCTW", summary="Về nhân sự khóa")
    top = office.classified("top_secret", number_symbol="7-TB/TW", summary="Kế hoạch tuyệt mật")
    copy_id = (
        api(office.clerk)
        .post(
            f"/api/v1/documents/{secret.pk}/copies/", {"holders": [{"name": "Lưu"}]}, format="json"
        )
        .json()[0]["id"]
    )
    row = hand_over(office, secret, to_user=office.leader.pk, copy=copy_id)
    api(office.leader).post(
        f"/api/v1/documents/{secret.pk}/handovers/confirm/", {"handover": row["id"]}, format="json"
    )
    hand_over(office, top, to_name="Ban Nội chính Thành ủy")
    answer = api(office.clerk).get(HANDOVER_PDF, {"year": timezone.localdate().year})
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(body_of(answer)).split())
    assert "SỔ CHUYỂN GIAO BÍ MẬT NHÀ NƯỚC" in text
    assert "45-CV/BTCTW" in text and "Về nhân sự khóa" in text and "Bản số 1" in text
    assert "Phạm Văn Lãnh Đạo —" in text  # signed for, with the time
    assert "7-TB/TW" in text and "Ban Nội chính Thành ủy" in text
    # NĐ 26/2020: a Tuyệt mật entry never shows its trích yếu in the register.
    assert "Kế hoạch tuyệt mật" not in text and "không ghi trích yếu" in text
    assert Event.objects.filter(action="classified.register_print").count() == 1
    # Another year has none of them.
    other = api(office.clerk).get(HANDOVER_PDF, {"year": timezone.localdate().year - 1})
    other_text = pdf_text(body_of(other))
    assert "45-CV/BTCTW" not in other_text and "Không có lần chuyển giao nào" in other_text


def test_registers_show_only_what_the_printer_may_see(office: Office, make_user: Any) -> None:
    document = office.classified("top_secret", number_symbol="99-CV/MAT")
    hand_over(office, document, to_name="Ban Tổ chức")
    # Another clerk of TU, cleared only for Mật: the entry is not hers to read.
    low = make_user(organization=office.city.tu, roles=["clerk"], clearance="confidential")
    text = pdf_text(body_of(api(low).get(HANDOVER_PDF)))
    assert "SỔ CHUYỂN GIAO" in text and "99-CV/MAT" not in text
    # DU2's clerk cannot print TU's register at all.
    answer = api(office.clerk_du2).get(HANDOVER_PDF, {"organization": office.city.tu.pk})
    assert answer.status_code == 400 and "organization" in answer.json()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"year": "hai nghìn"}, "year"),
        ({"year": "20261"}, "year"),
        ({"organization": "TU"}, "organization"),
    ],
)
def test_bad_register_queries_are_field_errors(
    office: Office, query: dict[str, str], field: str
) -> None:
    for url in (HANDOVER_PDF, COPIES_PDF):
        answer = api(office.clerk).get(url, query)
        assert answer.status_code == 400 and field in answer.json()
    assert not Event.objects.filter(action="classified.register_print").exists()


def test_specialist_without_a_register_gets_404(office: Office) -> None:
    assert api(office.specialist).get(HANDOVER_PDF).status_code == 404


def test_copy_register_prints_authorisations(office: Office) -> None:
    document = office.classified("secret", number_symbol="12-BC/TU", summary="Báo cáo mật")
    answer = api(office.leader).post(
        f"/api/v1/documents/{document.pk}/copy-orders/",
        {"form": "chup", "quantity": 2, "purpose": "Gửi Ban Thường vụ", "made_by": office.clerk.pk},
        format="json",
    )
    assert answer.status_code == 201, answer.content
    text = " ".join(pdf_text(body_of(api(office.clerk).get(COPIES_PDF))).split())
    assert "SỔ QUẢN LÝ SAO, CHỤP TÀI LIỆU BÍ MẬT NHÀ NƯỚC" in text
    for expected in ("12-BC/TU", "Báo cáo mật", "Chụp", "1–2", "Phạm Văn Lãnh Đạo"):
        assert expected in text, expected
    assert "Lê Thị Văn Thư" in text and "Gửi Ban Thường vụ" in text
    assert timezone.localdate().strftime("%d/%m/%Y") in text


# --- protection periods ending soon --------------------------------------------------------


def _ending_in(office: Office, level: str, years: int, days: int, **changes: Any) -> Document:
    """A document whose default period ends ``days`` days from today."""
    issued = add_years(timezone.localdate() + datetime.timedelta(days=days), -years)
    return office.classified(level, issued_date=issued.isoformat(), **changes)


def test_leader_lists_the_periods_ending_within_n_days(office: Office) -> None:
    soon = _ending_in(office, "confidential", 10, 20)
    ended = _ending_in(office, "secret", 20, -3)
    later = _ending_in(office, "top_secret", 30, 200)
    ordinary = _ending_in(office, "none", 10, 5)
    answer = api(office.leader).get("/api/v1/classified/expiring/", {"days": 30})
    assert answer.status_code == 200, answer.content
    rows = answer.json()["results"]
    assert [r["id"] for r in rows] == [ended.pk, soon.pk]
    assert [r["days_left"] for r in rows] == [-3, 20]
    wide = api(office.leader).get("/api/v1/classified/expiring/", {"days": 365}).json()
    assert later.pk in [r["id"] for r in wide["results"]]
    assert ordinary.pk not in [r["id"] for r in wide["results"]]
    # An extension takes a document off the list.
    api(office.leader).post(
        f"/api/v1/documents/{soon.pk}/extend-protection/",
        {"expires_on": add_years(timezone.localdate(), 5).isoformat(), "reason": "Còn nguy hại"},
        format="json",
    )
    again = api(office.leader).get("/api/v1/classified/expiring/", {"days": 30}).json()
    assert [r["id"] for r in again["results"]] == [ended.pk]


def test_non_leaders_and_other_branches_see_nothing_expiring(office: Office) -> None:
    _ending_in(office, "confidential", 10, 5)
    for user in (office.clerk, office.specialist, office.clerk_du2, office.leader_du1):
        body = api(user).get("/api/v1/classified/expiring/").json()
        assert body["count"] == 0, user.username


@pytest.mark.parametrize("days", ["-1", "3651", "ba mươi", "1.5"])
def test_bad_days_are_a_field_error(office: Office, days: str) -> None:
    answer = api(office.leader).get("/api/v1/classified/expiring/", {"days": days})
    assert answer.status_code == 400 and "days" in answer.json()


def test_beat_job_lists_every_organisation_s_expiring_documents(
    office: Office, settings: Any
) -> None:
    entry = django_settings.CELERY_BEAT_SCHEDULE["vanthu-protection-expiring"]
    assert entry["task"] == "vanthu.access.tasks.protection_expiring"
    settings.VANTHU_PROTECTION_NOTICE_DAYS = 30
    soon = _ending_in(office, "confidential", 10, 10)
    below = _ending_in(office, "secret", 20, 25, by=office.clerk_du1)
    _ending_in(office, "secret", 20, 90)
    from vanthu.access.tasks import protection_expiring

    protection_expiring()  # the beat task only enqueues; a second trigger is deduplicated
    protection_expiring()
    assert Job.objects.filter(kind="access.protection_expiring").count() == 1
    assert jobs.run_pending() == 1
    job = Job.objects.get(kind="access.protection_expiring")
    assert job.status == "done", job.error
    assert job.result == {
        "days": 30,
        "documents": 2,
        "organizations": {str(office.city.tu.pk): [soon.pk], str(office.city.du1.pk): [below.pk]},
    }


# --- the "Mật" panel -----------------------------------------------------------------------


def _page(user: Any, document: Document) -> str:
    client = Client()
    client.force_login(user)
    answer = client.get(f"/van-ban/den/{document.pk}/")
    assert answer.status_code == 200
    return answer.content.decode()


def test_document_page_shows_the_classified_panel(office: Office) -> None:
    document = office.classified("secret")
    api(office.clerk).post(
        f"/api/v1/documents/{document.pk}/copies/",
        {"holders": [{"user": office.leader.pk}]},
        format="json",
    )
    hand_over(office, document, to_name="Ban Tuyên giáo")
    page = _page(office.leader, document)
    assert 'id="bao-mat"' in page
    expires = add_years(document.issued_date, 20).strftime("%d/%m/%Y")  # type: ignore[arg-type]
    assert expires in page and "Bản số 1/1" in page and "Ban Tuyên giáo" in page
    assert "chưa ký nhận" in page


def test_ordinary_document_page_has_no_panel(office: Office) -> None:
    document = office.classified("none")
    assert 'id="bao-mat"' not in _page(office.clerk, document)


def test_expiring_list_query_count_does_not_grow_with_rows(
    office: Office, django_assert_max_num_queries: Any
) -> None:
    due = [_ending_in(office, "confidential", 10, d) for d in range(1, 7)]
    with django_assert_max_num_queries(8):
        body = api(office.leader).get("/api/v1/classified/expiring/", {"days": 30}).json()
    assert [r["id"] for r in body["results"]] == [d.pk for d in due]
