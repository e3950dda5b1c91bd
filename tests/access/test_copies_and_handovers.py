"""Numbered copies, the copy authorisation (sổ quản lý sao, chụp) and hand-overs (sổ chuyển
giao): who may, what is numbered, what the marks carry, and that bad input changes nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.access.conftest import Office, api
from tests.security.conftest import body_of, pdf_text, pdf_with
from vanthu.access.models import CopyOrder, DocumentCopy, Grant, Handover
from vanthu.access.services import grant_access
from vanthu.audit.models import Event
from vanthu.registry.models import Document

pytestmark = pytest.mark.django_db


def copies_url(document: Document) -> str:
    return f"/api/v1/documents/{document.pk}/copies/"


def orders_url(document: Document) -> str:
    return f"/api/v1/documents/{document.pk}/copy-orders/"


def handovers_url(document: Document) -> str:
    return f"/api/v1/documents/{document.pk}/handovers/"


def issue(office: Office, document: Document, *holders: dict[str, Any]) -> Any:
    return api(office.clerk).post(copies_url(document), {"holders": list(holders)}, format="json")


# --- issued copies -------------------------------------------------------------------------


def test_clerk_numbers_issued_copies_consecutively(office: Office) -> None:
    document = office.classified("secret")
    first = issue(office, document, {"user": office.leader.pk}, {"name": "Ban Tổ chức Thành ủy"})
    assert first.status_code == 201, first.content
    assert [(c["number"], c["mark"]) for c in first.json()] == [(1, "Bản số 1"), (2, "Bản số 2")]
    second = issue(office, document, {"name": "Lưu văn thư"})
    assert [c["number"] for c in second.json()] == [3]
    listed = api(office.leader).get(copies_url(document)).json()
    assert listed["count"] == 3
    assert listed["results"][0]["holder_full_name"] == "Phạm Văn Lãnh Đạo"
    assert listed["results"][1]["holder_name"] == "Ban Tổ chức Thành ủy"
    assert Event.objects.filter(action="classified.copies_issue").count() == 2


@pytest.mark.parametrize(
    ("holders", "field"),
    [
        ([], "holders"),
        ([{"name": "  "}], "holders.0"),
        ([{"name": "Lưu"}, {"user": "UNCLEARED"}], "holders.1"),
        ([{"user": 999999}], "holders"),
        ([{"name": "x"}] * 101, "holders"),
    ],
)
def test_bad_copy_holders_are_field_errors_and_store_nothing(
    office: Office, holders: list[dict[str, Any]], field: str
) -> None:
    document = office.classified("secret")
    data = [
        {k: (office.uncleared.pk if v == "UNCLEARED" else v) for k, v in h.items()} for h in holders
    ]
    answer = issue(office, document, *data)
    assert answer.status_code == 400, answer.content
    assert field in answer.json(), answer.json()
    assert not DocumentCopy.objects.exists()


def test_only_the_register_keepers_number_copies(office: Office) -> None:
    document = office.classified("secret")
    grant_access(actor=office.leader, obj=document, grantee=office.specialist, reason="Tham mưu")
    answer = api(office.specialist).post(
        copies_url(document), {"holders": [{"name": "x"}]}, format="json"
    )
    assert answer.status_code == 403
    assert api(office.clerk_du2).get(copies_url(document)).status_code == 404
    assert not DocumentCopy.objects.exists()


def test_ordinary_documents_have_no_numbered_copies(office: Office) -> None:
    document = office.classified("none")
    answer = issue(office, document, {"name": "x"})
    assert answer.status_code == 400 and "document" in answer.json()
    assert not DocumentCopy.objects.exists()


# --- copy orders (sao, chụp) ---------------------------------------------------------------


def order(user: Any, document: Document, **changes: Any) -> Any:
    data = {"form": "sao_y", "quantity": 2, "purpose": "Phục vụ hội nghị", **changes}
    return api(user).post(orders_url(document), data, format="json")


def test_leader_authorises_copies_numbered_as_copies(office: Office) -> None:
    document = office.classified("secret")
    answer = order(office.leader, document, made_by=office.clerk.pk, quantity=3)
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["numbers"] == [1, 2, 3]
    assert body["authorized_by"] == office.leader.pk and body["made_by"] == office.clerk.pk
    again = order(office.leader, document, form="trich_sao", quantity=1).json()
    assert again["numbers"] == [4] and again["made_by"] == office.leader.pk
    marks = [c.label for c in DocumentCopy.objects.filter(document=document, kind="copy")]
    assert marks == [f"BẢN SAO SỐ {n}" for n in range(1, 5)]
    assert set(
        DocumentCopy.objects.filter(order_id=body["id"]).values_list("holder", flat=True)
    ) == {office.clerk.pk}
    listed = api(office.clerk).get(orders_url(document)).json()
    assert [o["quantity"] for o in listed["results"]] == [3, 1]
    event = Event.objects.get(action="classified.copy_order", details__order=body["id"])
    assert event.actor_id == office.leader.pk


def test_a_clerk_cannot_authorise_copying(office: Office) -> None:
    document = office.classified("confidential")
    assert order(office.clerk, document).status_code == 403
    assert not CopyOrder.objects.exists() and not DocumentCopy.objects.exists()


def test_copy_authority_rises_with_the_level(office: Office, make_org: Any, make_user: Any) -> None:
    """Mật: any leader above; Tối mật: a committee or agency leader, not a grassroots one;
    Tuyệt mật: only a leader of the top committee (domain.md §5.1)."""
    city = office.city
    clerk_cb = make_user(organization=city.cb1, roles=["clerk"], clearance="top_secret")
    leader_cb = make_user(organization=city.cb1, roles=["leader"], clearance="top_secret")
    from vanthu.registry import services

    def at_cb1(level: str) -> Document:
        from tests.access.conftest import register

        document = register(clerk_cb, secrecy=level)
        services.present(actor=clerk_cb, document=document, leader=leader_cb)
        grant_access(actor=leader_cb, obj=document, grantee=office.leader_du1, reason="Chỉ đạo")
        grant_access(actor=leader_cb, obj=document, grantee=office.leader, reason="Chỉ đạo")
        return document

    mat, toi_mat, tuyet_mat = at_cb1("confidential"), at_cb1("secret"), at_cb1("top_secret")
    expected = {
        (leader_cb, mat): 201,
        (leader_cb, toi_mat): 403,
        (leader_cb, tuyet_mat): 403,
        (office.leader_du1, toi_mat): 201,
        (office.leader_du1, tuyet_mat): 403,
        (office.leader, tuyet_mat): 201,
    }
    for (user, document), status in expected.items():
        before = CopyOrder.objects.count()
        answer = order(user, document, made_by=clerk_cb.pk, quantity=1)
        assert answer.status_code == status, (user.username, document.secrecy, answer.content)
        assert CopyOrder.objects.count() == before + (1 if status == 201 else 0)


def test_a_leader_without_the_clearance_cannot_authorise(office: Office, make_user: Any) -> None:
    document = office.classified("secret")
    low = make_user(organization=office.city.tu, roles=["leader"], clearance="secret")
    grant_access(actor=office.leader, obj=document, grantee=low, reason="Chỉ đạo")
    assert order(low, document).status_code == 201
    top = office.classified("top_secret")
    # Not cleared for Tuyệt mật: cannot even see it.
    assert order(low, top).status_code == 404
    assert CopyOrder.objects.filter(document=top).count() == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"form": "photocopy"}, "form"),
        ({"quantity": 0}, "quantity"),
        ({"quantity": 101}, "quantity"),
        ({"quantity": "hai"}, "quantity"),
        ({"purpose": " "}, "purpose"),
        ({"made_by": "NO_ACCESS"}, "made_by"),
    ],
)
def test_bad_copy_orders_are_field_errors_and_store_nothing(
    office: Office, changes: dict[str, Any], field: str
) -> None:
    document = office.classified("secret")
    data = {k: (office.specialist.pk if v == "NO_ACCESS" else v) for k, v in changes.items()}
    answer = order(office.leader, document, **data)
    assert answer.status_code == 400, answer.content
    assert field in answer.json()
    assert not CopyOrder.objects.exists() and not DocumentCopy.objects.exists()


# --- hand-overs (sổ chuyển giao) -----------------------------------------------------------


def test_hand_over_a_copy_and_the_receiver_signs_for_it(office: Office) -> None:
    document = office.classified("secret")
    copy_id = issue(office, document, {"name": "Lưu văn thư"}).json()[0]["id"]
    answer = api(office.clerk).post(
        handovers_url(document),
        {"to_user": office.leader.pk, "copy": copy_id, "note": "Bì A"},
        format="json",
    )
    assert answer.status_code == 201, answer.content
    row = answer.json()
    assert row["copy_label"] == "Bản số 1" and row["from_name"] == "Lê Thị Văn Thư"
    assert row["confirmed_at"] is None and row["secrecy"] == "secret"
    assert DocumentCopy.objects.get(pk=copy_id).holder_id == office.leader.pk
    confirm = f"/api/v1/documents/{document.pk}/handovers/confirm/"
    # Only the receiver signs.
    assert (
        api(office.clerk).post(confirm, {"handover": row["id"]}, format="json").status_code == 403
    )
    signed = api(office.leader).post(confirm, {"handover": row["id"]}, format="json")
    assert signed.status_code == 200, signed.content
    assert signed.json()["confirmed_by"] == office.leader.pk
    twice = api(office.leader).post(confirm, {"handover": row["id"]}, format="json")
    assert twice.status_code == 400 and "handover" in twice.json()
    assert api(office.leader).post(confirm, {"handover": 0}, format="json").status_code == 400
    assert Event.objects.filter(action="classified.handover").count() == 1
    assert Event.objects.filter(action="classified.handover_confirm").count() == 1
    assert api(office.leader).get(handovers_url(document)).json()["count"] == 1


def test_hand_over_to_an_outside_body_by_name(office: Office) -> None:
    document = office.classified("confidential")
    answer = api(office.clerk).post(
        handovers_url(document), {"to_name": "Công an thành phố (PA03)"}, format="json"
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["to_name"] == "Công an thành phố (PA03)"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "to_user"),
        ({"to_name": "   "}, "to_user"),
        ({"to_user": "SELF"}, "to_user"),
        ({"to_user": "UNCLEARED"}, "to_user"),
        ({"to_user": "NO_REASON"}, "to_user"),
        ({"to_name": "Ban", "copy": "OTHER_COPY"}, "copy"),
        ({"to_name": "Ban", "handed_at": "TOMORROW"}, "handed_at"),
        ({"to_name": "Ban", "handed_at": "hôm qua"}, "handed_at"),
        ({"to_name": "x" * 256}, "to_name"),
    ],
)
def test_bad_hand_overs_are_field_errors_and_store_nothing(
    office: Office, body: dict[str, Any], field: str
) -> None:
    document = office.classified("secret")
    other = office.classified("secret")
    other_copy = issue(office, other, {"name": "Lưu"}).json()[0]["id"]
    values = {
        "SELF": office.clerk.pk,
        "UNCLEARED": office.uncleared.pk,
        "NO_REASON": office.specialist.pk,  # cleared, but no need to know
        "OTHER_COPY": other_copy,
        "TOMORROW": (timezone.now() + datetime.timedelta(days=1)).isoformat(),
    }
    data = {k: values.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    answer = api(office.clerk).post(handovers_url(document), data, format="json")
    assert answer.status_code == 400, answer.content
    assert field in answer.json(), answer.json()
    assert not Handover.objects.exists()
    assert DocumentCopy.objects.get(pk=other_copy).holder_name == "Lưu"


def test_strangers_get_404_on_every_classified_path(office: Office) -> None:
    document = office.classified("secret")
    for stranger in (office.specialist, office.uncleared, office.clerk_du2):
        c = api(stranger)
        for url in (copies_url(document), orders_url(document), handovers_url(document)):
            assert c.get(url).status_code == 404
            assert c.post(url, {}, format="json").status_code == 404
    assert not Grant.objects.exists()


# --- the marks carry the copy number -------------------------------------------------------


def test_download_marks_carry_the_holder_s_copy_number(office: Office) -> None:
    document = office.classified("secret")
    upload = api(office.clerk).post(
        f"/api/v1/incoming/{document.pk}/files/",
        {"file": SimpleUploadedFile("mat.pdf", pdf_with("Noi dung mat"), "application/pdf")},
        format="multipart",
    )
    assert upload.status_code == 201, upload.content
    file_id = upload.json()["id"]
    issue(office, document, {"name": "Lưu văn thư"}, {"user": office.leader.pk})
    url = f"/api/v1/documents/{document.pk}/files/{file_id}/download/"
    text = pdf_text(body_of(api(office.leader).get(url)))
    assert "Bản số 2/2" in text and "Phạm Văn Lãnh Đạo" in text and "TỐI MẬT" in text
    # The clerk holds no numbered copy: her marks carry none.
    clerk_text = pdf_text(body_of(api(office.clerk).get(url)))
    assert "Bản số" not in clerk_text and "Lê Thị Văn Thư" in clerk_text
    order(office.leader, document, made_by=office.clerk.pk, quantity=1)
    clerk_text = pdf_text(body_of(api(office.clerk).get(url)))
    assert "BẢN SAO SỐ 1" in clerk_text


def test_copy_list_query_count_does_not_grow_with_copies(
    office: Office, django_assert_max_num_queries: Any
) -> None:
    document = office.classified("secret")
    issue(office, document, *[{"user": office.leader.pk}] * 30)
    with django_assert_max_num_queries(12):
        answer = api(office.leader).get(copies_url(document))
    assert answer.json()["count"] == 30
