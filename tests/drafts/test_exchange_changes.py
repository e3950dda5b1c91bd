"""edXML recall (1), update (2) and replacement (3) on both sides of the exchange: received
idempotently (twice = once) and shown to the receiving clerk; sent from our recall/replace."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token

from tests.drafts.conftest import client_for, post
from tests.exchange.conftest import PARTNER_ID, package_bytes
from vanthu.audit.models import Event
from vanthu.drafts.models import DocumentRelation
from vanthu.exchange import edxml, services
from vanthu.exchange.models import OutboxMessage, Partner, ReceivedPackage
from vanthu.orgs.models import DocumentType, Organization
from vanthu.registry import sending
from vanthu.registry import services as registry
from vanthu.registry.models import Document

ORIGINAL_ID = f"{PARTNER_ID},2026/11/20,15/CV/TU"


@pytest.fixture
def partner(make_user: Any, make_org: Any) -> Partner:
    outside = make_org(code="NGOAI", name="Tổ chức dịch vụ", kind="agency")
    return Partner.objects.create(
        organ_id=PARTNER_ID,
        name="Tỉnh ủy Nghệ An",
        endpoint_url="https://vanthu.nghean.example/api/v1/exchange/inbox/",
        service_user=make_user(username="svc_nghean", organization=outside, roles=[]),
    )


@pytest.fixture
def received(city: Any, partner: Partner) -> Document:
    """Công văn 15/CV/TU of the partner, received by TU ("chờ vào sổ")."""
    return services.receive_package(organization=city.tu, data=package_bytes())


def _state() -> tuple[int, int, int, int]:
    return (
        Document.objects.count(),
        ReceivedPackage.objects.count(),
        DocumentRelation.objects.count(),
        OutboxMessage.objects.count(),
    )


def test_a_recall_received_twice_acts_once_and_tells_clerk_and_sender(
    city: Any, partner: Partner, received: Document, people: Any
) -> None:
    recall = package_bytes(business_type=edxml.RECALL, business_reason="Ban hành nhầm")
    first = services.receive_package(organization=city.tu, data=recall)
    after_first = _state()
    second = services.receive_package(organization=city.tu, data=recall)
    assert first.pk == second.pk == received.pk
    assert _state() == after_first
    relation = DocumentRelation.objects.get()
    assert (relation.kind, relation.origin, relation.reason) == (
        "recalls",
        "exchange",
        "Ban hành nhầm",
    )
    # The sender hears "15 đồng ý lấy lại", once.
    status = OutboxMessage.objects.get(kind="status")
    assert (status.status_code, status.edxml_id) == ("15", ORIGINAL_ID)
    assert Event.objects.filter(action="exchange.package.recall").count() == 1
    # TU's clerk is told: in the notices, on the document and in the incoming list.
    c = client_for(people.clerk)
    notices = c.get("/api/v1/document-notices/").json()["results"]
    assert [(n["id"], n["status_note"]) for n in notices] == [(received.pk, "recalled")]
    assert c.get(f"/api/v1/incoming/{received.pk}/").json()["status_note"] == "recalled"


def test_a_recall_through_the_inbox_answers_202(
    city: Any, partner: Partner, received: Document, client: Any
) -> None:
    token = Token.objects.create(user=partner.service_user).key
    body = package_bytes(business_type=edxml.RECALL, business_reason="Ban hành nhầm")
    for _ in range(2):
        answer = client.post(
            "/api/v1/exchange/inbox/",
            body,
            content_type="application/xml",
            HTTP_AUTHORIZATION=f"Token {token}",
        )
        assert answer.status_code == 202, answer.content
    assert DocumentRelation.objects.filter(target=received, kind="recalls").count() == 1


def test_a_recall_of_a_document_never_received_is_refused(city: Any, partner: Partner) -> None:
    before = _state()
    with pytest.raises(ValidationError, match=r"Chưa nhận văn bản .* nên không thể thu hồi"):
        services.receive_package(
            organization=city.tu, data=package_bytes(business_type=edxml.RECALL)
        )
    assert _state() == before
    assert Event.objects.filter(action="exchange.package.refuse").count() == 1


def test_an_update_changes_the_fields_once_and_keeps_the_old_values(
    city: Any, partner: Partner, received: Document
) -> None:
    update = package_bytes(
        business_type=edxml.UPDATE,
        subject="V/v phối hợp tổ chức hội nghị (sửa ngày họp)",
        due_date=datetime.date(2026, 12, 10),
    )
    services.receive_package(organization=city.tu, data=update)
    after_first = _state()
    services.receive_package(organization=city.tu, data=update)
    assert _state() == after_first
    received.refresh_from_db()
    assert received.summary == "V/v phối hợp tổ chức hội nghị (sửa ngày họp)"
    assert received.deadline == datetime.date(2026, 12, 10)
    relation = DocumentRelation.objects.get(kind="updates")
    assert relation.previous == {
        "summary": "V/v phối hợp tổ chức hội nghị quán triệt nghị quyết",
        "deadline": "2026-12-05",
    }
    event = Event.objects.get(action="exchange.package.update")
    assert sorted(event.details["fields"]) == ["deadline", "summary"]
    assert "hội nghị" not in str(event.details)  # the audit log keeps no content


def test_a_replacement_arrives_as_a_new_document_and_marks_the_old(
    city: Any, partner: Partner, received: Document
) -> None:
    replacement = package_bytes(
        business_type=edxml.REPLACE,
        business_document_id=ORIGINAL_ID,
        business_reason="Sai nội dung",
        code_number="16",
        subject="V/v phối hợp tổ chức hội nghị (thay thế Công văn 15)",
    )
    new = services.receive_package(organization=city.tu, data=replacement)
    again = services.receive_package(organization=city.tu, data=replacement)
    assert new.pk == again.pk != received.pk
    assert (new.status, new.number_symbol) == ("pending_registration", "16-CV/TU")
    relation = DocumentRelation.objects.get()
    assert (relation.kind, relation.target_id, relation.source_id) == (
        "replaces",
        received.pk,
        new.pk,
    )
    assert Document.objects.count() == 2


@pytest.fixture
def sent_to_partner(city: Any, partner: Partner, people: Any) -> Any:
    def go(summary: str = "V/v đề nghị phối hợp kiểm tra") -> Document:
        doc = registry.create_outgoing(
            actor=people.clerk,
            organization=city.tu,
            data={
                "document_type": DocumentType.objects.get(code="CV"),
                "summary": summary,
                "recipients": [{"name": partner.name}],
            },
        )
        registry.add_file(
            actor=people.clerk,
            document=doc,
            upload=SimpleUploadedFile("kiem-tra.pdf", b"%PDF-1.4 de nghi", "application/pdf"),
        )
        doc = registry.issue_outgoing(actor=people.clerk, document=doc)
        return sending.send_outgoing(actor=people.clerk, document=doc)

    return go


def test_our_recall_and_replacement_go_to_the_partner(
    people: Any, sent_to_partner: Any, city: Organization
) -> None:
    old, new = sent_to_partner(), sent_to_partner("V/v đề nghị phối hợp kiểm tra (thay thế)")
    url = f"/api/v1/outgoing/{old.pk}"
    assert post(people.clerk, f"{url}/replace/", {"by": new.pk, "reason": "Sai"}).status_code == 201
    message = OutboxMessage.objects.get(business_type=edxml.REPLACE)
    parsed = edxml.parse_package(bytes(message.payload))
    number, notation = services.split_number_symbol(old.number_symbol)
    assert old.issued_date is not None
    old_id = edxml.document_id("TU", old.issued_date, number, notation)
    assert (parsed.business_type, parsed.business_document_id) == (edxml.REPLACE, old_id)
    assert parsed.subject == "V/v đề nghị phối hợp kiểm tra (thay thế)"
    assert post(people.clerk, f"{url}/recall/", {"reason": "Thu hồi"}).status_code == 201
    sent = OutboxMessage.objects.get(business_type=edxml.RECALL)
    recall = edxml.parse_package(bytes(sent.payload))
    assert (recall.document_id, recall.business_reason) == (old_id, "Thu hồi")


def test_a_replacement_already_received_as_new_is_one_document(
    city: Any, partner: Partner, received: Document
) -> None:
    as_new = package_bytes(code_number="16", subject="V/v phối hợp (thay thế Công văn 15)")
    first = services.receive_package(organization=city.tu, data=as_new)
    as_replacement = package_bytes(
        business_type=edxml.REPLACE,
        business_document_id=ORIGINAL_ID,
        code_number="16",
        subject="V/v phối hợp (thay thế Công văn 15)",
    )
    second = services.receive_package(organization=city.tu, data=as_replacement)
    assert first.pk == second.pk
    assert Document.objects.count() == 2
    relation = DocumentRelation.objects.get()
    assert (relation.kind, relation.target_id, relation.source_id) == (
        "replaces",
        received.pk,
        first.pk,
    )
