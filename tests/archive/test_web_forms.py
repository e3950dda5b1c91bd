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
    review = page.get("/luu-tru/phan/huy/").content.decode()  # the page's "xem xét hủy" part
    assert f'value="{old.pk}"' in review
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


def closed(office: Office, code: str, years: int | None = 10) -> Any:
    from vanthu.records import services as records

    dossier = office.dossier(code=code, title=f"Hồ sơ {code}", retention_years=years)
    records.add_document(actor=office.clerk, dossier=dossier, document=office.document())
    return records.close_dossier(actor=office.clerk, dossier=dossier)


def test_transfer_pages_hand_in_accept_and_number(office: Office) -> None:
    from vanthu.archive import services_storage
    from vanthu.archive.models import ArchivalUnit, Transfer

    first, second = closed(office, "01.VP"), closed(office, "02.VP", None)
    short = closed(office, "03.VP", 2)
    clerk = web(office.clerk)
    page = clerk.get("/luu-tru/nop-luu/").content.decode()
    assert "Chọn 01.VP" in page and "Chọn 02.VP" in page and "Chọn 03.VP" not in page
    for data, says in (
        ({}, "Phải chọn ít nhất một hồ sơ"),
        ({"dossiers": [first.pk, first.pk]}, "được chọn hai lần"),
        ({"dossiers": [short.pk]}, "dưới 05 năm"),
        ({"dossiers": [first.pk], "title": "x" * 501}, "tối đa 500 ký tự"),
    ):
        bad = clerk.post("/luu-tru/nop-luu/", data, follow=True)
        assert says in messages_of(bad), data
    assert not Transfer.objects.exists()
    assert (
        web(office.outsider).post("/luu-tru/nop-luu/", {"dossiers": [first.pk]}).status_code == 404
    )
    made = clerk.post("/luu-tru/nop-luu/", {"dossiers": [first.pk, second.pk], "title": "Khối VP"})
    transfer = Transfer.objects.get()
    assert made["Location"] == f"/luu-tru/nop-luu/{transfer.pk}/"
    detail = clerk.get(made["Location"]).content.decode()
    assert "Hồ sơ 01.VP" in detail and f"/luu-tru/nop-luu/{transfer.pk}/muc-luc.pdf" in detail
    assert "Tiếp nhận hồ sơ" not in detail and "Chờ lưu trữ viên" in detail
    assert "Tiếp nhận hồ sơ" in web(office.archivist).get(made["Location"]).content.decode()
    assert web(office.outsider).get(made["Location"]).status_code == 404
    # Only the archivist accepts; returning needs a reason; a wrong step is 404.
    url = f"/luu-tru/nop-luu/{transfer.pk}/"
    refused = clerk.post(url + "tiep-nhan/", follow=True)
    assert "lưu trữ viên" in messages_of(refused)
    archivist = web(office.archivist)
    no_reason = archivist.post(url + "tra-lai/", {"reason": " "}, follow=True)
    assert "Phải ghi lý do trả lại" in messages_of(no_reason)
    assert archivist.post(url + "xoa/").status_code == 404
    assert web(office.outsider).post(url + "tiep-nhan/").status_code == 404
    transfer.refresh_from_db()
    assert transfer.status == "submitted"
    archivist.post(url + "tiep-nhan/", {"note": "Đủ, tốt"})
    transfer.refresh_from_db()
    assert transfer.status == "accepted" and transfer.decision_note == "Đủ, tốt"
    again = archivist.post(url + "tiep-nhan/", follow=True)
    assert "đã được xử lý" in messages_of(again)

    number = url + "so-luu-tru/"
    no_fonds = archivist.post(
        number, {"dossier": first.pk, "catalogue_number": "1", "file_number": "1"}, follow=True
    )
    assert "Phải chọn phông" in messages_of(no_fonds)
    fonds = services_storage.create_fonds(
        actor=office.archivist, organization=office.org, kind="party", code="P01", name="VPTU"
    )
    store = services_storage.create_location(
        actor=office.archivist, organization=office.org, kind="store", code="K1"
    )
    for data, says in (
        ({"catalogue_number": "1", "file_number": "một"}, "phải là số nguyên dương"),
        ({"catalogue_number": "0", "file_number": "1"}, "phải là số nguyên dương"),
        ({"catalogue_number": "1", "file_number": "1", "box": store.pk}, "Phải chọn một hộp"),
        ({"catalogue_number": "1", "file_number": "1", "box": "999999"}, "Phải chọn một hộp"),
    ):
        bad = archivist.post(number, {"dossier": first.pk, "fonds": fonds.pk, **data}, follow=True)
        assert says in messages_of(bad), data
    assert not ArchivalUnit.objects.exists()
    # A dossier not in this transfer is a 404, as is the transfer for an outsider.
    assert archivist.post(number, {"dossier": short.pk, "fonds": fonds.pk}).status_code == 404
    assert web(office.outsider).post(number, {"dossier": first.pk}).status_code == 404
    shelf = services_storage.create_location(
        actor=office.archivist, organization=office.org, kind="shelf", code="G1", parent=store
    )
    box = services_storage.create_location(
        actor=office.archivist, organization=office.org, kind="box", code="H01", parent=shelf
    )
    data = {"dossier": first.pk, "fonds": fonds.pk, "catalogue_number": "1", "file_number": "1"}
    ok = archivist.post(number, {**data, "box": box.pk}, follow=True)
    assert "Đã cấp số lưu trữ cho hồ sơ 01.VP" in messages_of(ok)
    clash = archivist.post(number, {**data, "dossier": second.pk}, follow=True)
    assert "đã cấp cho hồ sơ khác" in messages_of(clash)
    assert ArchivalUnit.objects.count() == 1
    shown = archivist.get(url).content.decode()
    assert "P01/ML1/HS1" in shown and f"/luu-tru/hop/{box.pk}/nhan.pdf" in shown


def test_disposal_page_shows_the_list_votes_and_records(office: Office) -> None:
    from tests.archive.test_disposal import council, new_disposal
    from vanthu.archive import services_disposal

    old = expired(office, "01.VP")
    disposal = new_disposal(office, [old])
    url = f"/luu-tru/huy/{disposal.pk}/"
    page = web(office.clerk).get(url).content.decode()
    assert "01.VP" in page and "Đồng ý hủy" in page
    assert web(office.outsider).get(url).status_code == 404
    voted = web(office.clerk).post(url + "bieu-quyet/", {"agree": "1"})
    assert voted["Location"] == url
    for member, _role in council(office)[:2]:
        services_disposal.cast_vote(actor=member, disposal=disposal, agree=True)
    services_disposal.approve_disposal(
        actor=office.leader, disposal=disposal, decision_number="15-QĐ", meeting_record="Họp"
    )
    archivist = web(office.archivist)
    bad = archivist.post(
        url + "thuc-hien/", {"handover_record": "", "destruction_record": ""}, follow=True
    )
    assert "Phải có biên bản bàn giao" in messages_of(bad)
    disposal.refresh_from_db()
    assert disposal.status == "approved"
    archivist.post(
        url + "thuc-hien/", {"handover_record": "BG", "destruction_record": "Đã hủy xong"}
    )
    done = archivist.get(url).content.decode()
    assert "Đã hủy xong" in done and "Biên bản hủy tài liệu" in done
