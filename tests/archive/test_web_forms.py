"""The /luu-tru/ forms and the reader's viewer: they call the services, and refuse cleanly."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from tests.archive.test_api_use import dossier_with_pdf
from tests.archive.test_disposal import expired
from tests.archive.test_web import web
from tests.records.conftest import Office
from vanthu.archive.models import AccessRequest, CertifiedCopy, Disposal, Fonds, UseEntry


@pytest.fixture(autouse=True)
def _no_otp(settings: Any) -> None:
    # The office's leader and archivist hold clearances; the forms are what is tested here.
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""


def messages_of(answer: Any) -> str:
    return " ".join(str(m) for m in answer.context["messages"])


def test_fonds_form_creates_and_reports_errors(office: Office) -> None:
    page = web(office.archivist)
    ok = page.post(
        "/luu-tru/phong/", {"kind": "party", "code": "P01", "name": "Phông VPTU"}, follow=True
    )
    assert ok.status_code == 200 and "Đã tạo phông" in messages_of(ok)
    bad = page.post("/luu-tru/phong/", {"kind": "party", "code": "", "name": ""}, follow=True)
    assert "Phải ghi mã phông" in messages_of(bad)
    assert Fonds.objects.count() == 1
    refused = web(office.clerk).post(
        "/luu-tru/phong/", {"kind": "state", "code": "S1", "name": "NN"}, follow=True
    )
    assert "lưu trữ viên" in messages_of(refused)
    assert Fonds.objects.count() == 1


def test_request_decide_read_and_period(office: Office) -> None:
    dossier, doc, file_id = dossier_with_pdf(office)
    reader = web(office.specialist)
    bad = reader.post(
        "/luu-tru/khai-thac/",
        {"dossiers": [dossier.pk], "purpose": "", "mode": "read", "days": "30"},
        follow=True,
    )
    assert "1 đến 15 ngày" in messages_of(bad) and not AccessRequest.objects.exists()
    assert (
        web(office.outsider)
        .post(
            "/luu-tru/khai-thac/",
            {"dossiers": [dossier.pk], "purpose": "x", "mode": "read", "days": "3"},
        )
        .status_code
        == 404
    )
    made = reader.post(
        "/luu-tru/khai-thac/",
        {"dossiers": [dossier.pk], "purpose": "Nghiên cứu", "mode": "read", "days": "3"},
        follow=True,
    )
    assert "Đã gửi phiếu" in messages_of(made)
    req = AccessRequest.objects.get()
    closed = reader.get(f"/luu-tru/khai-thac/{req.pk}/doc/")
    assert closed.status_code == 404 and "chưa được duyệt" in closed.content.decode()
    refuse = web(office.leader).post(
        f"/luu-tru/khai-thac/{req.pk}/duyet/", {"approve": "0", "note": ""}, follow=True
    )
    assert "lý do không duyệt" in messages_of(refuse)
    web(office.leader).post(f"/luu-tru/khai-thac/{req.pk}/duyet/", {"approve": "1"})
    req.refresh_from_db()
    assert req.status == "approved"
    room = reader.get(f"/luu-tru/khai-thac/{req.pk}/doc/")
    body = room.content.decode()
    assert room.status_code == 200 and "Nghị quyết về công tác cán bộ" in body
    image_url = f"/luu-tru/khai-thac/{req.pk}/trang/{doc.pk}/{file_id}/1.png"
    assert image_url in body and "download" not in body.lower()
    image = reader.get(image_url)
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    assert UseEntry.objects.filter(action="view").count() == 1
    assert web(office.outsider).get(image_url).status_code == 404
    assert web(office.leader).get(f"/luu-tru/khai-thac/{req.pk}/doc/").status_code == 404
    AccessRequest.objects.filter(pk=req.pk).update(
        valid_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    late = reader.get(f"/luu-tru/khai-thac/{req.pk}/doc/")
    assert late.status_code == 404 and "Đã hết thời hạn đọc tài liệu" in late.content.decode()
    assert reader.get(image_url).status_code == 404
    assert UseEntry.objects.filter(action="view").count() == 1


def test_copy_desk_issues_a_pdf(office: Office) -> None:
    dossier, doc, file_id = dossier_with_pdf(office)
    web(office.specialist).post(
        "/luu-tru/khai-thac/",
        {"dossiers": [dossier.pk], "purpose": "Sao", "mode": "certified_copy", "days": "3"},
    )
    req = AccessRequest.objects.get()
    web(office.leader).post(f"/luu-tru/khai-thac/{req.pk}/duyet/", {"approve": "1"})
    desk = web(office.archivist).get(f"/luu-tru/khai-thac/{req.pk}/sao/")
    assert desk.status_code == 200 and "Sao y bản chính" in desk.content.decode()
    url = f"/luu-tru/khai-thac/{req.pk}/sao/cap/"
    issued = web(office.archivist).post(url, {"document": doc.pk, "file": file_id, "kind": "sao_y"})
    assert issued.status_code == 200 and issued.content.startswith(b"%PDF")
    bad = web(office.archivist).post(
        url, {"document": doc.pk, "file": file_id, "kind": "trich_sao", "pages": "x"}, follow=True
    )
    assert "Trích sao phải ghi trang" in messages_of(bad)
    assert CertifiedCopy.objects.count() == 1
    assert web(office.outsider).get(f"/luu-tru/khai-thac/{req.pk}/sao/").status_code == 404


def test_disposal_forms(office: Office) -> None:
    old = expired(office, "01.VP")
    council = "\n".join(
        f"{u.username} | {role}"
        for u, role in (
            (office.leader, "Chủ tịch"),
            (office.archivist, "Thành viên"),
            (office.clerk, "Thư ký"),
        )
    )
    page = web(office.archivist)
    index = page.get("/luu-tru/").content.decode()
    assert f'value="{old.pk}"' in index
    bad = page.post(
        "/luu-tru/huy/",
        {"dossiers": [old.pk], "title": "", "explanatory_note": "", "council": "khongco | x"},
        follow=True,
    )
    assert "khongco" in messages_of(bad) and not Disposal.objects.exists()
    page.post(
        "/luu-tru/huy/",
        {
            "dossiers": [old.pk],
            "title": "Danh mục hủy",
            "explanatory_note": "Hết hạn",
            "council": council,
        },
    )
    disposal = Disposal.objects.get()
    for member in (office.leader, office.archivist, office.clerk):
        web(member).post(f"/luu-tru/huy/{disposal.pk}/bieu-quyet/", {"agree": "1"})
    assert disposal.council.filter(vote="agree").count() == 3
    step = web(office.leader).post(
        f"/luu-tru/huy/{disposal.pk}/quyet-dinh/",
        {"decision_number": "", "meeting_record": ""},
        follow=True,
    )
    assert "số quyết định hủy" in messages_of(step)
    assert web(office.archivist).post(f"/luu-tru/huy/{disposal.pk}/khac/").status_code == 404
    assert web(office.outsider).post(f"/luu-tru/huy/{disposal.pk}/bieu-quyet/").status_code == 404
    disposal.refresh_from_db()
    assert disposal.status == "draft"
