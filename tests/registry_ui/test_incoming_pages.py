"""Văn bản đến pages: list and queue, fast registration, detail with present/assign/complete."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.registry_ui.conftest import client_for, dmy, form_data, today
from vanthu.registry.models import Counter, Document, DocumentFile, Status


def test_anonymous_is_sent_to_login(db: Any) -> None:
    for url in ("/van-ban/den/", "/van-ban/den/moi/", "/van-ban/di/", "/van-ban/cua-toi/"):
        answer = Client().get(url)
        assert answer.status_code == 302 and answer["Location"].startswith("/dang-nhap/")


def test_clerk_registers_with_the_form_and_sees_the_number(people: Any) -> None:
    client = client_for(people.clerk)
    page = client.get("/van-ban/den/moi/").content.decode()
    assert "Số đến dự kiến" in page and "<strong>1</strong>" in page
    assert 'hx-get="/van-ban/den/goi-y/sender/"' in page and "autofocus" in page
    upload = SimpleUploadedFile("cong-van.pdf", b"%PDF-1.4 test", "application/pdf")
    answer = client.post("/van-ban/den/moi/", form_data(attachments=upload))
    assert answer.status_code == 302, answer.content.decode()[:2000]
    doc = Document.objects.get()
    assert doc.number == 1 and doc.status == Status.NEW and doc.created_by == people.clerk
    assert DocumentFile.objects.filter(document=doc).count() == 1
    page = client.get(answer["Location"]).content.decode()
    assert "Đã vào sổ: số đến <strong>1</strong>" in page and "Vào sổ tiếp" in page
    assert "<strong>2</strong>" in page  # the next expected number
    assert "Có thể trùng" not in page


def test_duplicate_registration_is_warned(people: Any, register: Any) -> None:
    register()
    client = client_for(people.clerk)
    answer = client.post("/van-ban/den/moi/", form_data())
    page = client.get(answer["Location"]).content.decode()
    assert "Có thể trùng" in page and "Số đến 1" in page


def _yesterday() -> str:
    return dmy(today() - datetime.timedelta(days=1))


BAD_INPUT = [
    ("issued_date", {"issued_date": "31/02/2025"}, "Ngày không hợp lệ"),
    ("received_at", {"received_at": "99/99/2025 10:00"}, "Ngày đến không hợp lệ"),
    (
        "received_at",
        {"issued_date": dmy(today()), "received_at": _yesterday() + " 08:00"},
        "Ngày đến không được trước ngày của văn bản",
    ),
    ("document_type", {"document_type": "999999"}, "Loại văn bản không có trong danh mục"),
    ("summary", {"summary": "   "}, "Trích yếu không được để trống"),
    ("page_count", {"page_count": "-3"}, "Số trang không được âm"),
    ("deadline", {"deadline": _yesterday()}, "Hạn giải quyết không được ở quá khứ"),
    ("sender", {"sender": ""}, "Phải ghi cơ quan ban hành"),
    ("secrecy", {"secrecy": "rat-mat"}, "Độ mật không hợp lệ"),
]


@pytest.mark.parametrize(("field", "changes", "message"), BAD_INPUT)
def test_bad_registration_shows_the_error_and_stores_nothing(
    people: Any, field: str, changes: dict[str, Any], message: str
) -> None:
    answer = client_for(people.clerk).post("/van-ban/den/moi/", form_data(**changes))
    assert answer.status_code == 400
    html = answer.content.decode()
    assert message in html and f'id="id_{field}_error"' in html
    assert not Document.objects.exists() and not Counter.objects.filter(last_number__gt=0)


def test_an_upload_refused_rolls_the_registration_back(people: Any, settings: Any) -> None:
    settings.VANTHU_MAX_UPLOAD_MB = 0
    upload = SimpleUploadedFile("lon.pdf", b"%PDF-1.4 x", "application/pdf")
    answer = client_for(people.clerk).post("/van-ban/den/moi/", form_data(attachments=upload))
    assert answer.status_code == 400 and "Tệp lớn hơn giới hạn" in answer.content.decode()
    assert not Document.objects.exists() and not Counter.objects.filter(last_number__gt=0)


def test_only_a_clerk_registers(people: Any) -> None:
    answer = client_for(people.specialist).post("/van-ban/den/moi/", form_data())
    assert answer.status_code == 403 and "Chỉ văn thư" in answer.content.decode()
    assert not Document.objects.exists()


def test_csrf_is_enforced_on_every_post(people: Any, register: Any) -> None:
    doc = register()
    client = client_for(people.clerk, enforce_csrf_checks=True)
    for url in (
        "/van-ban/den/moi/",
        f"/van-ban/den/{doc.pk}/trinh/",
        f"/van-ban/den/{doc.pk}/but-phe/",
        f"/van-ban/den/{doc.pk}/vao-so/",
        "/van-ban/di/moi/",
    ):
        assert client.post(url, form_data()).status_code == 403
    assert Document.objects.count() == 1


def test_summary_and_sender_are_escaped(people: Any, register: Any) -> None:
    doc = register(summary="<script>alert(1)</script>", sender="<b>Ban</b>")
    client = client_for(people.clerk)
    for url in ("/van-ban/den/", f"/van-ban/den/{doc.pk}/"):
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
        assert "<b>Ban</b>" not in html and "&lt;b&gt;Ban&lt;/b&gt;" in html


def test_other_organisations_document_is_404_and_absent_from_lists(
    people: Any, register: Any
) -> None:
    doc = register(summary="Việc nội bộ của Thành ủy")
    client = client_for(people.clerk_du2)
    for url in (
        f"/van-ban/den/{doc.pk}/",
        f"/van-ban/di/{doc.pk}/",
    ):
        assert client.get(url).status_code == 404
    for url in (f"/van-ban/den/{doc.pk}/trinh/", f"/van-ban/den/{doc.pk}/vao-so/"):
        assert client.post(url, {}).status_code == 404
    assert "Việc nội bộ của Thành ủy" not in client.get("/van-ban/den/").content.decode()


def test_classified_document_never_leaks_to_an_uncleared_colleague(
    people: Any, register: Any
) -> None:
    doc = register(secrecy="confidential", summary="Kế hoạch mật số một")
    cleared = client_for(people.clerk)
    assert "Kế hoạch mật số một" in cleared.get("/van-ban/den/").content.decode()
    assert cleared.get(f"/van-ban/den/{doc.pk}/").status_code == 200
    for user in (people.uncleared_clerk, people.specialist):
        client = client_for(user)
        html = client.get("/van-ban/den/").content.decode()
        assert "Kế hoạch mật số một" not in html
        assert client.get(f"/van-ban/den/{doc.pk}/").status_code == 404
        assert "Kế hoạch mật" not in client.get("/van-ban/den/?q=mật").content.decode()
        assert "Kế hoạch mật" not in client.get("/van-ban/cua-toi/").content.decode()


def test_list_filters_and_urgent_first(people: Any, register: Any) -> None:
    register(summary="Văn bản thường một")
    register(summary="Văn bản hỏa tốc", urgency="flash")
    register(summary="Văn bản thường hai")
    client = client_for(people.clerk)
    html = client.get("/van-ban/den/").content.decode()
    assert html.index("Văn bản hỏa tốc") < html.index("Văn bản thường hai")
    assert 'class="badge text-bg-danger app-urgency">Hỏa tốc' in html
    html = client.get("/van-ban/den/?do_khan=flash").content.decode()
    assert "Văn bản hỏa tốc" in html and "Văn bản thường một" not in html
    html = client.get("/van-ban/den/?q=hai").content.decode()
    assert "Văn bản thường hai" in html and "Văn bản thường một" not in html
    html = client.get(f"/van-ban/den/?nam={today().year + 1}").content.decode()
    assert "Không có văn bản nào" in html
    assert client.get("/van-ban/den/?nam=abc&trang=xyz").status_code == 200


@pytest.mark.once
def test_list_query_count_does_not_grow(
    people: Any, register: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(people.clerk)
    for i in range(3):
        register(summary=f"Văn bản {i}")
    client.get("/van-ban/den/")
    with django_assert_max_num_queries(12):
        client.get("/van-ban/den/")
    for i in range(20):
        register(summary=f"Văn bản thêm {i}", urgency="urgent")
    with django_assert_max_num_queries(12):
        assert "Văn bản thêm 19" in client.get("/van-ban/den/").content.decode()


def test_sender_suggestions_come_from_this_organisations_history(
    people: Any, register: Any
) -> None:
    for i in range(12):
        register(sender=f"Ban Tuyên giáo {i:02d}", number_symbol=f"{i}-CV")
    register(clerk=people.clerk_du1, sender="Ban Tuyên giáo phường")
    client = client_for(people.clerk)
    html = client.get("/van-ban/den/goi-y/sender/?sender=tuyên").content.decode()
    assert html.count("<option") == 10 and "phường" not in html
    assert client.get("/van-ban/den/goi-y/sender/?sender=").content.decode().strip() == ""
    assert "<option" not in client.get("/van-ban/den/goi-y/password/?password=a").content.decode()


def test_present_assign_complete_through_the_detail_page(people: Any, register: Any) -> None:
    doc = register()
    clerk = client_for(people.clerk)
    page = clerk.get(f"/van-ban/den/{doc.pk}/").content.decode()
    assert "Trình lãnh đạo" in page and "Bút phê / Giao xử lý" not in page
    answer = clerk.post(f"/van-ban/den/{doc.pk}/trinh/", {"leader": people.leader.pk})
    assert answer.status_code == 302
    doc.refresh_from_db()
    assert doc.status == Status.AWAITING_DIRECTION and doc.directed_by == people.leader

    leader = client_for(people.leader)
    assert "Chờ tôi cho ý kiến chỉ đạo" in leader.get("/van-ban/cua-toi/").content.decode()
    assert doc.summary in leader.get("/van-ban/cua-toi/").content.decode()
    deadline = dmy(today() + datetime.timedelta(days=5))
    answer = leader.post(
        f"/van-ban/den/{doc.pk}/but-phe/",
        {
            "lead": people.specialist.pk,
            "support": [people.other_specialist.pk],
            "deadline": deadline,
            "note": "Đề nghị nghiên cứu, tham mưu",
        },
    )
    assert answer.status_code == 302
    doc.refresh_from_db()
    assert doc.status == Status.IN_PROGRESS

    specialist = client_for(people.specialist)
    inbox = specialist.get("/van-ban/cua-toi/").content.decode()
    assert "Tôi chủ trì xử lý" in inbox and doc.summary in inbox
    assert (
        doc.summary in client_for(people.other_specialist).get("/van-ban/cua-toi/").content.decode()
    )
    answer = specialist.post(f"/van-ban/den/{doc.pk}/hoan-thanh/", {"note": "Đã báo cáo"})
    assert answer.status_code == 302
    doc.refresh_from_db()
    assert doc.status == Status.DONE
    page = specialist.get(f"/van-ban/den/{doc.pk}/").content.decode()
    for label in ("Vào sổ", "Trình lãnh đạo", "Bút phê, giao xử lý", "Hoàn thành"):
        assert label in page


def test_bad_direction_shows_errors_and_changes_nothing(
    people: Any, register: Any, make_user: Any, city: Any
) -> None:
    doc = register()
    leader = client_for(people.leader)
    answer = leader.post(
        f"/van-ban/den/{doc.pk}/but-phe/",
        {"lead": people.clerk_du2.pk, "deadline": dmy(today() - datetime.timedelta(days=1))},
    )
    assert answer.status_code == 400
    assert "Người được chọn không thuộc tổ chức" in answer.content.decode()
    answer = leader.post(f"/van-ban/den/{doc.pk}/but-phe/", {})
    assert answer.status_code == 400 and "Hãy chọn người chủ trì." in answer.content.decode()
    answer = leader.post(
        f"/van-ban/den/{doc.pk}/but-phe/",
        {"lead": people.specialist.pk, "deadline": dmy(today() - datetime.timedelta(days=1))},
    )
    assert answer.status_code == 400
    assert "Hạn giải quyết không được ở quá khứ" in answer.content.decode()
    # A specialist is no leader: the service refuses, the page says so.
    answer = client_for(people.specialist).post(
        f"/van-ban/den/{doc.pk}/but-phe/", {"lead": people.specialist.pk}
    )
    assert answer.status_code == 403 and "Chỉ lãnh đạo" in answer.content.decode()
    answer = client_for(people.clerk).post(f"/van-ban/den/{doc.pk}/trinh/", {"leader": 999999})
    assert answer.status_code == 400 and "không phải lãnh đạo" in answer.content.decode()
    doc.refresh_from_db()
    assert doc.status == Status.NEW and not doc.assignments.exists()


def test_overdue_assignment_is_highlighted_in_the_inbox(people: Any, register: Any) -> None:
    from vanthu.registry import services

    doc = register()
    services.assign(actor=people.leader, document=doc, lead=people.specialist, deadline=today())
    doc.assignments.update(deadline=today() - datetime.timedelta(days=2))
    html = client_for(people.specialist).get("/van-ban/cua-toi/").content.decode()
    assert "app-overdue" in html and "Quá hạn" in html


def test_files_are_added_on_the_detail_page(people: Any, register: Any) -> None:
    doc = register()
    client = client_for(people.clerk)
    answer = client.post(f"/van-ban/{doc.pk}/tep/", {})
    assert answer.status_code == 400 and "Hãy chọn ít nhất một tệp." in answer.content.decode()
    files = [
        SimpleUploadedFile("a.pdf", b"%PDF-1.4 a", "application/pdf"),
        SimpleUploadedFile("b.pdf", b"%PDF-1.4 b", "application/pdf"),
    ]
    answer = client.post(f"/van-ban/{doc.pk}/tep/", {"attachments": files})
    assert answer.status_code == 302
    file = DocumentFile.objects.filter(document=doc).order_by("pk").first()
    assert file is not None and DocumentFile.objects.filter(document=doc).count() == 2
    page = client.get(f"/van-ban/den/{doc.pk}/").content.decode()
    link = f"/api/v1/documents/{doc.pk}/files/{file.pk}/download/"
    assert link in page and client.get(link).status_code == 200
    assert client_for(people.clerk_du2).post(f"/van-ban/{doc.pk}/tep/", {}).status_code == 404
