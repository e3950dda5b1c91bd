"""The web forms of the "Mật" panel: leaders record protection decisions (with the decision's
number and date), clerks number copies, readers record hand-overs and receivers sign for them.
Bad input and missing authority give a Vietnamese reason and change nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.access.conftest import Office
from vanthu.access.classified.periods import add_years, period_of
from vanthu.access.models import ClassificationDecision, DocumentCopy, Handover, Protection
from vanthu.audit.models import Event
from vanthu.registry import services as registry_services
from vanthu.registry.models import Document

pytestmark = pytest.mark.django_db


def web(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _d(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _url(document: Document, action: str) -> str:
    return f"/van-ban/{document.pk}/mat/{action}/"


def _page(user: Any, document: Document) -> str:
    answer = web(user).get(f"/van-ban/den/{document.pk}/")
    assert answer.status_code == 200
    return answer.content.decode()


def _snapshot(document: Document) -> tuple[Any, ...]:
    document.refresh_from_db()
    return (
        document.secrecy,
        ClassificationDecision.objects.filter(document=document).count(),
        Protection.objects.filter(document=document).count(),
        DocumentCopy.objects.filter(document=document).count(),
        Handover.objects.filter(document=document).count(),
        Event.objects.filter(object_id=str(document.pk), action__startswith="document.d").count(),
        Event.objects.filter(object_id=str(document.pk), action__startswith="classified.").count(),
    )


def test_panel_shows_each_person_the_forms_they_may_use(office: Office) -> None:
    document = office.classified("secret")
    leader = _page(office.leader, document)
    for action in ("thoi-han", "giam-mat", "giai-mat", "ban-so", "chuyen-giao"):
        assert f"/mat/{action}/" in leader, action
    assert 'id="gia-han-decision_ref"' in leader and 'id="giai-mat-decision_ref"' in leader
    clerk = _page(office.clerk, document)
    assert "/mat/ban-so/" in clerk and "/mat/chuyen-giao/" in clerk
    assert "/mat/thoi-han/" not in clerk and "/mat/giai-mat/" not in clerk
    # A Mật document cannot go lower: no downgrade form.
    low = office.classified("confidential")
    assert "/mat/giam-mat/" not in _page(office.leader, low)


def test_leader_extends_with_the_decision_s_number_and_date(office: Office) -> None:
    document = office.classified("confidential")
    current = period_of(document).expires_on
    assert current is not None
    new_end = add_years(current, 3)
    signed = timezone.localdate() - datetime.timedelta(days=2)
    answer = web(office.leader).post(
        _url(document, "thoi-han"),
        {
            "expires_on": _d(new_end),
            "decision_ref": "15-QĐ/TU",
            "decided_on": _d(signed),
            "reason": "Vẫn còn nguy hại",
        },
    )
    assert answer.status_code == 302
    assert answer["Location"] == f"/van-ban/den/{document.pk}/#bao-mat"
    [row] = ClassificationDecision.objects.filter(document=document)
    assert (row.kind, row.decision_ref, row.decided_on) == ("extend", "15-QĐ/TU", signed)
    assert Protection.objects.get(document=document).expires_on == new_end
    page = web(office.leader).get(f"/van-ban/den/{document.pk}/", follow=True).content.decode()
    assert _d(new_end) in page and "15-QĐ/TU" in page and _d(signed) in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"decision_ref": ""}, "Phải ghi số, ký hiệu quyết định."),
        ({"decided_on": "31/02/2026"}, "Ngày không hợp lệ (dd/mm/yyyy)."),
        ({"decided_on": "tomorrow"}, "Ngày quyết định không được sau ngày hôm nay."),
        ({"expires_on": "yesterday"}, "Thời hạn bảo vệ mới phải sau ngày hôm nay."),
        ({"expires_on": "+40y"}, "Mỗi lần gia hạn không quá 10 năm"),
        ({"reason": "  "}, "Phải ghi lý do của quyết định."),
    ],
)
def test_bad_extension_is_refused_in_vietnamese_and_changes_nothing(
    office: Office, changes: dict[str, str], message: str
) -> None:
    document = office.classified("confidential")
    today = timezone.localdate()
    resolved = {
        "tomorrow": _d(today + datetime.timedelta(days=1)),
        "yesterday": _d(today - datetime.timedelta(days=1)),
        "+40y": _d(add_years(today, 40)),
    }
    body = {
        "expires_on": _d(add_years(today, 12)),
        "decision_ref": "16-QĐ/TU",
        "decided_on": _d(today),
        "reason": "Còn nguy hại",
    }
    body.update({k: resolved.get(v, v) for k, v in changes.items()})
    before = _snapshot(document)
    answer = web(office.leader).post(_url(document, "thoi-han"), body)
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert _snapshot(document) == before


def test_decision_dated_after_the_period_ended_is_refused(office: Office) -> None:
    issued = add_years(timezone.localdate(), -10) + datetime.timedelta(days=1)
    document = office.classified("confidential", issued_date=issued.isoformat())  # ends today
    before = _snapshot(document)
    answer = web(office.leader).post(
        _url(document, "thoi-han"),
        {
            "expires_on": _d(add_years(timezone.localdate(), 1)),
            "decision_ref": "17-QĐ/TU",
            "decided_on": _d(issued - datetime.timedelta(days=1)),
            "reason": "Còn nguy hại",
        },
    )
    assert answer.status_code == 400
    assert "Ngày quyết định không được trước ngày xác định độ mật" in answer.content.decode()
    assert _snapshot(document) == before


def test_clerk_cannot_decide_and_is_told_why(office: Office) -> None:
    document = office.classified("secret")
    before = _snapshot(document)
    answer = web(office.clerk).post(
        _url(document, "giai-mat"),
        {"decision_ref": "1-QĐ/TU", "decided_on": _d(timezone.localdate()), "reason": "Hết"},
    )
    assert answer.status_code == 403
    assert "Chỉ lãnh đạo của tổ chức mới được quyết định về độ mật." in answer.content.decode()
    assert _snapshot(document) == before


def test_leader_downgrades_and_declassifies(office: Office) -> None:
    document = office.classified("top_secret")
    today = _d(timezone.localdate())
    wrong = web(office.leader).post(
        _url(document, "giam-mat"),
        {"secrecy": "top_secret", "decision_ref": "2-QĐ/TU", "decided_on": today, "reason": "X"},
    )
    assert wrong.status_code == 400
    assert "Độ mật mới phải là Mật hoặc Tối mật." in wrong.content.decode()
    down = web(office.leader).post(
        _url(document, "giam-mat"),
        {"secrecy": "secret", "decision_ref": "3-QĐ/TU", "decided_on": today, "reason": "Bớt"},
    )
    assert down.status_code == 302
    document.refresh_from_db()
    assert document.secrecy == "secret"
    gone = web(office.leader).post(
        _url(document, "giai-mat"),
        {"decision_ref": "4-QĐ/TU", "decided_on": today, "reason": "Không còn nguy hại"},
    )
    assert gone.status_code == 302
    document.refresh_from_db()
    assert document.secrecy == "none"
    kinds = list(
        ClassificationDecision.objects.filter(document=document).values_list("kind", "decision_ref")
    )
    assert kinds == [("downgrade", "3-QĐ/TU"), ("declassify", "4-QĐ/TU")]


def test_clerk_numbers_copies_for_people_and_places(office: Office) -> None:
    document = office.classified("secret")
    answer = web(office.clerk).post(
        _url(document, "ban-so"), {"holders": [office.leader.pk], "places": "Lưu VT\n\n"}
    )
    assert answer.status_code == 302
    copies = list(DocumentCopy.objects.filter(document=document).order_by("number"))
    assert [(c.number, c.holder_id, c.holder_name) for c in copies] == [
        (1, office.leader.pk, ""),
        (2, None, "Lưu VT"),
    ]
    assert "Bản số 2/2" in _page(office.clerk, document)


def test_copies_above_the_holder_s_clearance_or_without_authority_are_refused(
    office: Office,
) -> None:
    document = office.classified("top_secret")
    before = _snapshot(document)
    # Đỗ Chuyên Viên is cleared for Tối mật only.
    low = web(office.clerk).post(_url(document, "ban-so"), {"holders": [office.specialist.pk]})
    assert low.status_code == 400
    assert "Đỗ Chuyên Viên không có mức tiếp cận đủ cho tài liệu Tuyệt mật." in (
        low.content.decode()
    )
    empty = web(office.clerk).post(_url(document, "ban-so"), {"places": " "})
    assert empty.status_code == 400
    assert "Phải ghi ít nhất một người hoặc nơi giữ bản." in empty.content.decode()
    # An assignee reads the document but keeps no register.
    secret = office.classified("secret")
    registry_services.assign(actor=office.leader, document=secret, lead=office.specialist)
    denied = web(office.specialist).post(_url(secret, "ban-so"), {"places": "Lưu VT"})
    assert denied.status_code == 403
    assert "Chỉ văn thư hoặc lãnh đạo của tổ chức mới đánh số bản." in denied.content.decode()
    assert not DocumentCopy.objects.filter(document=secret).exists()
    assert _snapshot(document) == before


def test_hand_over_then_only_the_receiver_signs_for_it(office: Office) -> None:
    document = office.classified("secret")
    web(office.clerk).post(_url(document, "ban-so"), {"places": "Lưu VT"})
    copy = DocumentCopy.objects.get(document=document)
    answer = web(office.clerk).post(
        _url(document, "chuyen-giao"),
        {"to_user": office.leader.pk, "copy": copy.pk, "note": "Giao tay"},
    )
    assert answer.status_code == 302
    row = Handover.objects.get(document=document)
    assert (row.from_user_id, row.to_user_id, row.copy_id) == (
        office.clerk.pk,
        office.leader.pk,
        copy.pk,
    )
    assert "/mat/ky-nhan/" in _page(office.leader, document)
    assert "/mat/ky-nhan/" not in _page(office.clerk, document)
    refused = web(office.clerk).post(_url(document, "ky-nhan"), {"handover": row.pk})
    assert refused.status_code == 403
    assert "Chỉ người nhận mới ký nhận được." in refused.content.decode()
    signed = web(office.leader).post(_url(document, "ky-nhan"), {"handover": row.pk})
    assert signed.status_code == 302
    row.refresh_from_db()
    assert row.confirmed_by_id == office.leader.pk
    again = web(office.leader).post(_url(document, "ky-nhan"), {"handover": row.pk})
    assert again.status_code == 400
    assert "Lần chuyển giao này đã được ký nhận." in again.content.decode()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Ghi người nhận (tài khoản) hoặc tên người, nơi nhận."),
        ({"to_user": "uncleared"}, "không có mức tiếp cận đủ cho tài liệu Tối mật"),
        ({"to_user": "999999"}, "Người nhận đã chọn không hợp lệ."),
        ({"to_user": "specialist"}, "Người nhận chưa có quyền tiếp cận văn bản này"),
        ({"to_name": "Ban Tổ chức", "handed_at": "32/13/2026 10:00"}, "Thời điểm không hợp lệ"),
        ({"to_name": "Ban Tổ chức", "handed_at": "future"}, "không được ở tương lai"),
    ],
)
def test_bad_hand_over_is_refused_and_records_nothing(
    office: Office, body: dict[str, str], message: str
) -> None:
    document = office.classified("secret")
    people = {"uncleared": office.uncleared.pk, "specialist": office.specialist.pk}
    later = timezone.localtime() + datetime.timedelta(days=2)
    data = {k: people.get(v, v) for k, v in body.items()}
    if data.get("handed_at") == "future":
        data["handed_at"] = later.strftime("%d/%m/%Y %H:%M")
    before = _snapshot(document)
    answer = web(office.clerk).post(_url(document, "chuyen-giao"), data)
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert _snapshot(document) == before


def test_a_reader_who_may_not_see_the_document_gets_404_from_every_action(
    office: Office,
) -> None:
    document = office.classified("secret", summary="Trích yếu bí mật QZ-19")
    before = _snapshot(document)
    for action in ("thoi-han", "giam-mat", "giai-mat", "ban-so", "chuyen-giao", "ky-nhan"):
        for user in (office.uncleared, office.clerk_du2):
            answer = web(user).post(_url(document, action), {"reason": "x", "places": "y"})
            assert answer.status_code == 404, (action, user.username)
            assert "QZ-19" not in answer.content.decode()
    assert _snapshot(document) == before
