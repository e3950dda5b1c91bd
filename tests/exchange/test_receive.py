"""From registry to package and back: idempotent receipt, conflicts, statuses in order."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from tests.exchange.conftest import PARTNER_ID, package_bytes, status_from_partner
from vanthu.audit.models import Event
from vanthu.core import blobstore
from vanthu.exchange import edxml, services
from vanthu.exchange.models import Partner, ReceivedPackage, ReceivedStatus
from vanthu.orgs.models import Organization
from vanthu.registry import sending
from vanthu.registry.models import Document, Recipient, Status


def _counts() -> tuple[int, int, int]:
    return Document.objects.count(), ReceivedPackage.objects.count(), ReceivedStatus.objects.count()


def test_received_package_waits_for_registration_with_its_files(
    tu: Organization, partner: Partner
) -> None:
    document = services.receive_package(organization=tu, data=package_bytes())
    document.refresh_from_db()
    assert document.status == Status.PENDING_REGISTRATION
    assert document.number is None and document.register is None  # nothing registered yet
    assert (document.number_symbol, document.sender) == ("15-CV/TU", "Tỉnh ủy Nghệ An")
    assert document.issued_date == datetime.date(2026, 11, 20)
    assert document.urgency == "urgent" and document.deadline == datetime.date(2026, 12, 5)
    file = document.files.get()
    with blobstore.open_blob(file.sha256) as fh:
        assert fh.read() == b"%PDF-1.4 noi dung cong van"
    assert Event.objects.filter(action="exchange.package.receive", object_id=str(document.pk))


def test_a_package_received_twice_creates_one_document(tu: Organization, partner: Partner) -> None:
    data = package_bytes()
    first = services.receive_package(organization=tu, data=data)
    # The same document again, relayed with another trace: still the same document.
    again = package_bytes(traces=[("X.1", datetime.datetime(2026, 11, 22, tzinfo=datetime.UTC))])
    assert services.receive_package(organization=tu, data=again).pk == first.pk
    assert services.receive_package(organization=tu, data=data).pk == first.pk
    assert Document.objects.filter(direction="incoming").count() == 1


def test_a_document_id_reused_for_other_content_is_refused_and_audited(
    tu: Organization, partner: Partner
) -> None:
    services.receive_package(organization=tu, data=package_bytes())
    before = _counts()
    with pytest.raises(ValidationError) as caught:
        services.receive_package(organization=tu, data=package_bytes(subject="Nội dung khác"))
    assert "đã được dùng cho một văn bản khác" in str(caught.value)
    assert _counts() == before
    event = Event.objects.get(action="exchange.package.conflict")
    assert event.details["document_id"] == f"{PARTNER_ID},2026/11/20,15/CV/TU"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sender": edxml.Organ("999.99.99.X99", "Không quen")}, "không phải đối tác"),
        ({"recipients": [edxml.Organ("DU1", "Đảng ủy")]}, "không gửi cho"),
        ({"secrecy": 1}, "văn bản mật"),
        ({"business_type": edxml.RECALL}, "Chưa nhận văn bản .* nên không thể thu hồi"),
        ({"type_code": "ZZ", "type_name": "Không có"}, "không có trong danh mục"),
    ],
    ids=["unknown-partner", "not-for-us", "classified", "recall", "unknown-type"],
)
def test_refused_packages_store_nothing_and_leave_an_event(
    tu: Organization, partner: Partner, changes: dict[str, Any], message: str
) -> None:
    before = _counts()
    with pytest.raises(ValidationError, match=message):
        services.receive_package(organization=tu, data=package_bytes(**changes))
    assert _counts() == before
    assert Event.objects.filter(action="exchange.package.refuse").count() == 1


def test_a_package_from_another_partner_than_the_authenticated_one_is_refused(
    tu: Organization, partner: Partner, make_user: Any
) -> None:
    other = Partner.objects.create(
        organ_id="000.00.00.H29", name="Tỉnh ủy Hà Tĩnh", service_user=make_user(roles=[])
    )
    with pytest.raises(ValidationError, match=r"không phải đối tác 000\.00\.00\.H29"):
        services.receive_package(organization=tu, data=package_bytes(), partner=other)
    assert not Document.objects.exists()


def test_build_package_from_an_issued_document_round_trips(sent_document: Document) -> None:
    data = services.build_package(sent_document)
    parsed = edxml.parse_package(data)
    number, notation = services.split_number_symbol(sent_document.number_symbol)
    assert parsed.document_id == (
        f"TU,{sent_document.issued_date:%Y/%m/%d},{number}/{notation}"  # type: ignore[str-format]
    )
    assert [r.organ_id for r in parsed.recipients] == [PARTNER_ID]
    assert parsed.subject == "V/v đề nghị phối hợp kiểm tra"
    assert parsed.priority == 1 and parsed.type_code == "CV"
    assert [a.data for a in parsed.attachments] == [b"%PDF-1.4 de nghi"]


def test_build_package_refuses_drafts_and_classified(sent_document: Document, clerk: Any) -> None:
    draft = Document.objects.filter(pk=sent_document.pk)
    draft.update(status=Status.DRAFT)
    with pytest.raises(ValidationError, match="đã ban hành"):
        services.build_package(Document.objects.get(pk=sent_document.pk))
    draft.update(status=Status.SENT, secrecy="confidential")
    with pytest.raises(ValidationError, match="văn bản mật"):
        services.build_package(Document.objects.get(pk=sent_document.pk))


def _recipient_status(document: Document) -> str:
    return Recipient.objects.get(document=document).status


def test_statuses_out_of_order_never_move_backwards(sent_document: Document) -> None:
    assert services.receive_status(data=status_from_partner(sent_document, "01", 1)).applied
    assert services.receive_status(data=status_from_partner(sent_document, "05", 5)).applied
    late = services.receive_status(data=status_from_partner(sent_document, "03", 3))
    assert not late.applied
    assert _recipient_status(sent_document) == "in_progress"
    # The same status delivered twice is recorded once.
    services.receive_status(data=status_from_partner(sent_document, "05", 5))
    assert ReceivedStatus.objects.count() == 3
    services.receive_status(data=status_from_partner(sent_document, "06", 9))
    assert _recipient_status(sent_document) == "done"


def test_a_return_carries_its_reason(sent_document: Document) -> None:
    services.receive_status(data=status_from_partner(sent_document, "02", 2, "Gửi nhầm nơi"))
    recipient = Recipient.objects.get(document=sent_document)
    assert (recipient.status, recipient.return_reason) == ("returned", "Gửi nhầm nơi")


def test_a_status_for_a_document_never_sent_is_refused_and_audited(
    sent_document: Document, tu: Organization
) -> None:
    Document.objects.filter(pk=sent_document.pk).update(number=sent_document.number + 1)  # type: ignore[operator]
    with pytest.raises(ValidationError, match="Không có văn bản đi"):
        services.receive_status(data=status_from_partner(sent_document, "01", 1))
    assert not ReceivedStatus.objects.exists()
    assert Event.objects.filter(action="exchange.status.refuse").exists()


def test_we_answer_statuses_about_what_we_received(tu: Organization, partner: Partner) -> None:
    document = services.receive_package(organization=tu, data=package_bytes())
    message = edxml.parse_status(services.build_status(document, "01"))
    assert message.code == "01" and message.description == "Đã đến"
    assert message.response_for.document_id == f"{PARTNER_ID},2026/11/20,15/CV/TU"
    assert message.sender.organ_id == "TU"
    assert message.timestamp.utcoffset() == datetime.timedelta(hours=7)
    with pytest.raises(ValidationError, match="lý do"):
        services.build_status(document, "02")
    with pytest.raises(ValidationError, match="không hợp lệ"):
        services.build_status(document, "99")


def test_internal_delivery_is_not_an_edxml_receipt(sent_document: Document, clerk: Any) -> None:
    sending.send_outgoing(actor=clerk, document=sent_document)
    with pytest.raises(ValidationError, match="không nhận qua liên thông"):
        services.build_status(sent_document, "01")
