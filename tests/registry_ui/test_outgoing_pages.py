"""Văn bản đi pages, sending inside the installation and the recipient's "chờ vào sổ" queue."""

from __future__ import annotations

from typing import Any

import pytest

from tests.registry_ui.conftest import client_for
from vanthu.orgs.models import DocumentType
from vanthu.registry.models import Direction, Document, Recipient, Status


def draft_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "document_type": str(DocumentType.objects.get(code="NQ").pk),
        "summary": "Nghị quyết về công tác xây dựng Đảng",
        "signer": "Nguyễn Văn Bí Thư",
        "secrecy": "none",
        "urgency": "normal",
    }
    data.update(changes)
    return data


def test_specialist_drafts_to_all_subordinates_clerk_issues_and_sends(
    people: Any, city: Any
) -> None:
    specialist = client_for(people.specialist)
    page = specialist.get("/van-ban/di/moi/").content.decode()
    assert "Gửi tất cả các đảng bộ trực thuộc (2)" in page
    answer = specialist.post(
        "/van-ban/di/moi/",
        draft_data(
            all_subordinates="on", recipient_orgs=[city.du1.pk], recipient_names="Báo Nhân Dân"
        ),
    )
    assert answer.status_code == 302, answer.content.decode()[:3000]
    doc = Document.objects.get(direction=Direction.OUTGOING)
    names = sorted(r.name for r in doc.recipients.all())
    assert names == sorted(["Báo Nhân Dân", city.du1.name, city.du2.name])

    clerk = client_for(people.clerk)
    page = clerk.get(f"/van-ban/di/{doc.pk}/").content.decode()
    assert "Ban hành" in page
    answer = clerk.post(f"/van-ban/di/{doc.pk}/ban-hanh/", {})
    assert answer.status_code == 302
    page = clerk.get(answer["Location"]).content.decode()
    assert "01-NQ/TU" in page and "Số, ký hiệu được cấp: 01-NQ/TU." in page
    assert clerk.post(f"/van-ban/di/{doc.pk}/ban-hanh/", {}).status_code == 400
    answer = clerk.post(f"/van-ban/di/{doc.pk}/gui/", {})
    assert answer.status_code == 302
    page = clerk.get(f"/van-ban/di/{doc.pk}/").content.decode()
    assert page.count("<td>01</td>") == 2 and "Đã đến" in page and "ngoài hệ thống" in page

    du1 = client_for(people.clerk_du1)
    html = du1.get("/van-ban/den/").content.decode()
    assert "Chờ vào sổ" in html and "Nghị quyết về công tác xây dựng Đảng" in html
    delivered = Document.objects.get(organization=city.du1, direction=Direction.INCOMING)
    answer = du1.post(f"/van-ban/den/{delivered.pk}/vao-so/")
    assert answer.status_code == 302
    assert "Đã vào sổ văn bản đến, số đến 1." in du1.get(answer["Location"]).content.decode()
    assert Recipient.objects.get(document=doc, organization=city.du1).status == "registered"

    du2 = client_for(people.clerk_du2)
    other = Document.objects.get(organization=city.du2, direction=Direction.INCOMING)
    answer = du2.post(f"/van-ban/den/{other.pk}/tra-lai/", {"reason": ""})
    assert answer.status_code == 400 and "Phải ghi lý do trả lại." in answer.content.decode()
    other.refresh_from_db()
    assert other.status == Status.PENDING_REGISTRATION
    answer = du2.post(f"/van-ban/den/{other.pk}/tra-lai/", {"reason": "Gửi nhầm nơi"})
    assert answer.status_code == 302
    page = clerk.get(f"/van-ban/di/{doc.pk}/").content.decode()
    assert "Gửi nhầm nơi" in page and "<td>02</td>" in page and "<td>03</td>" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"summary": ""}, "Trích yếu không được để trống"),
        ({"document_type": ""}, "Phải chọn loại văn bản"),
        ({"secrecy": "abc"}, "Độ mật không hợp lệ"),
        ({"urgency": "rat-gap"}, "Độ khẩn không hợp lệ"),
        ({"recipient_orgs": ["999999"]}, "Tổ chức nhận không hợp lệ"),
    ],
)
def test_bad_draft_shows_the_error_and_stores_nothing(
    people: Any, changes: dict[str, Any], message: str
) -> None:
    answer = client_for(people.specialist).post("/van-ban/di/moi/", draft_data(**changes))
    assert answer.status_code == 400
    html = answer.content.decode()
    assert message in html
    assert not Document.objects.exists()


def test_sending_to_oneself_is_refused(people: Any, city: Any) -> None:
    answer = client_for(people.specialist).post(
        "/van-ban/di/moi/", draft_data(recipient_orgs=[city.tu.pk])
    )
    assert answer.status_code == 400
    assert "Không gửi văn bản cho chính tổ chức ban hành" in answer.content.decode()
    assert not Document.objects.exists()


def test_specialist_cannot_issue_and_draft_cannot_be_sent(people: Any) -> None:
    client_for(people.specialist).post("/van-ban/di/moi/", draft_data())
    doc = Document.objects.get()
    answer = client_for(people.specialist).post(f"/van-ban/di/{doc.pk}/ban-hanh/", {})
    assert answer.status_code == 403 and "Chỉ văn thư" in answer.content.decode()
    answer = client_for(people.clerk).post(f"/van-ban/di/{doc.pk}/gui/", {})
    assert (
        answer.status_code == 400 and "Chỉ gửi được văn bản đã ban hành" in answer.content.decode()
    )
    doc.refresh_from_db()
    assert doc.status == Status.DRAFT and doc.number is None


def test_recipient_lookup_is_filtered_on_the_server(people: Any, city: Any, make_org: Any) -> None:
    for i in range(25):
        make_org(name=f"Đảng ủy xã Tân Phú {i}", parent=city.tu)
    client = client_for(people.specialist)
    html = client.get("/van-ban/di/noi-nhan/?recipient_q=tan phu").content.decode()
    assert html.count('type="checkbox"') == 20 and "gõ thêm để thu hẹp" in html
    html = client.get("/van-ban/di/noi-nhan/?recipient_q=ben nghe").content.decode()
    assert "Đảng ủy phường Bến Nghé" in html
    html = client.get("/van-ban/di/noi-nhan/?recipient_q=<script>").content.decode()
    assert "<script>" not in html


def test_outgoing_list_and_detail_hide_what_the_user_may_not_see(
    people: Any, city: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(people.specialist)
    client.post("/van-ban/di/moi/", draft_data(summary="<i>Dự thảo</i> của Thành ủy"))
    doc = Document.objects.get()
    html = client.get("/van-ban/di/").content.decode()
    assert "&lt;i&gt;Dự thảo&lt;/i&gt; của Thành ủy" in html
    with django_assert_max_num_queries(12):
        client.get("/van-ban/di/?trang_thai=draft")
    other = client_for(people.clerk_du1)
    assert "của Thành ủy" not in other.get("/van-ban/di/").content.decode()
    assert other.get(f"/van-ban/di/{doc.pk}/").status_code == 404
    assert other.post(f"/van-ban/di/{doc.pk}/ban-hanh/", {}).status_code == 404
    assert other.get(f"/van-ban/den/{doc.pk}/").status_code == 404
