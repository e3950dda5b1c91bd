"""The registry tells exchange partners what happened, with no extra step by the clerk."""

from __future__ import annotations

from typing import Any

from tests.exchange.conftest import package_bytes
from vanthu.exchange import services
from vanthu.exchange.models import OutboxMessage, Partner
from vanthu.registry import sending
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
