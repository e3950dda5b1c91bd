"""The registry tells exchange partners what happened, with no extra step by the clerk."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.exchange.conftest import package_bytes
from vanthu.exchange import services
from vanthu.exchange.models import OutboxMessage, Partner
from vanthu.registry import sending
from vanthu.registry import services as registry
from vanthu.registry.models import Document


def _codes(document: Document) -> list[str]:
    from vanthu.exchange import edxml

    return [
        edxml.parse_status(bytes(m.payload)).code
        for m in OutboxMessage.objects.filter(kind="status").order_by("pk")
    ]


def test_sending_an_issued_document_queues_it_for_its_partner(
    sent_document: Document, partner: Partner
) -> None:
    # sent_document went through registry.sending.send_outgoing only.
    [message] = OutboxMessage.objects.filter(kind="package")
    assert message.partner == partner


def test_registering_and_returning_a_received_document_answer_03_and_02(
    tu: Any, clerk: Any, partner: Partner
) -> None:
    first = services.receive_package(organization=tu, data=package_bytes(), partner=partner)
    sending.register_delivered(actor=clerk, document=first)
    assert _codes(first) == ["03"]
    other = services.receive_package(
        organization=tu, data=package_bytes(code_number="16"), partner=partner
    )
    sending.return_delivered(actor=clerk, document=other, reason="Gửi nhầm nơi nhận")
    assert _codes(first) == ["03", "02"]


def test_assignment_answers_04_then_05_and_completion_06_each_once(
    tu: Any, clerk: Any, partner: Partner, make_user: Callable[..., Any]
) -> None:
    leader = make_user(username="ld_tu", organization=tu, roles=["leader"], clearance="secret")
    lead = make_user(username="cv_tu", organization=tu, roles=["specialist"], clearance="secret")
    received = services.receive_package(organization=tu, data=package_bytes(), partner=partner)
    document = sending.register_delivered(actor=clerk, document=received)
    document = registry.assign(actor=leader, document=document, lead=lead)
    # domain.md §7.3: phân công (04), then đang xử lý (05) — our registry's "đang xử lý" starts
    # with the assignment (Document.status in_progress).
    assert document.status == "in_progress"
    assert _codes(document) == ["03", "04", "05"]
    # Assigned again (another lead): the partner already knows; nothing more goes.
    registry.assign(actor=leader, document=document, lead=leader)
    assert _codes(document) == ["03", "04", "05"]
    registry.complete(actor=leader, document=document)
    assert _codes(document) == ["03", "04", "05", "06"]
