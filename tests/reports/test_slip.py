"""Phiếu giải quyết văn bản đến (NĐ 30 Phụ lục IV mục VII) as PDF."""

from __future__ import annotations

from typing import Any

from tests.reports.conftest import client_for
from tests.reports.render import first_page_png, ink_share, pdf_text
from vanthu.audit.models import Event


def url(pk: int) -> str:
    return f"/api/v1/reports/incoming/{pk}/slip.pdf"


def words(data: bytes) -> str:
    return " ".join(pdf_text(data, mode="-raw").split())


def test_slip_carries_the_document_and_the_direction(world: Any) -> None:
    answer = client_for(world.specialist).get(url(world.ordinary.pk))
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    data = b"".join(answer.streaming_content)
    text = words(data)
    assert "PHIẾU GIẢI QUYẾT VĂN BẢN ĐẾN" in text
    assert "THÀNH ỦY" in text
    for expected in [
        "Tên loại văn bản: Công văn",
        "Số và ký hiệu: 12-CV/BTCTU",
        "Cơ quan ban hành: Ban Tổ chức Thành ủy",
        "ỦY BAN KIỂM TRA, ỘI, ẢNH",
        "1. Ý kiến của lãnh đạo cơ quan, tổ chức",
        "Giao chủ trì: Hoàng Thị Ảnh",
        "Ý kiến: Đồng chí Ảnh chủ trì, báo cáo Thường trực",
        "2. Ý kiến của lãnh đạo đơn vị",
        "3. Ý kiến đề xuất của người giải quyết",
    ]:
        assert expected in text, expected
    image = first_page_png(data, keep_as="phieu-giai-quyet.png")
    assert image.height > image.width  # A4 portrait
    assert ink_share(image) > 0.01


def test_slip_of_a_classified_document_is_404_without_clearance_and_audited_with_it(
    world: Any,
) -> None:
    for who in ("specialist", "uncleared_clerk", "leader", "clerk_du1"):
        answer = client_for(getattr(world, who)).get(url(world.secret.pk))
        assert answer.status_code == 404, who
        assert b"XKQ" not in answer.content
    assert not Event.objects.filter(action="reports.slip.print").exists()
    answer = client_for(world.clerk).get(url(world.secret.pk))
    assert answer.status_code == 200
    assert "MẬT" in words(b"".join(answer.streaming_content))
    assert Event.objects.filter(action="reports.slip.print", object_id=str(world.secret.pk))


def test_slip_of_an_outgoing_or_missing_document_is_404(world: Any) -> None:
    client = client_for(world.clerk)
    assert client.get(url(world.outgoing.pk)).status_code == 404
    assert client.get(url(999999)).status_code == 404
    assert client_for(world.clerk_du2).get(url(world.other_org.pk)).status_code == 404
