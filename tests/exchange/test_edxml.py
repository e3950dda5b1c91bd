"""edXML build → parse, the schema, and safe parsing of hostile input (no database)."""

from __future__ import annotations

import base64
import datetime
import time

import pytest
from django.test import override_settings
from lxml import etree

from tests.exchange.conftest import BOMB, PARTNER_ID, package, package_bytes
from vanthu.exchange import edxml


def test_package_round_trip_keeps_every_field() -> None:
    original = package(
        content="Ghi chú kèm theo",
        response_for=edxml.ResponseFor(
            organ_id="TU",
            code="07/CV-TU",
            promulgation_date=datetime.date(2026, 10, 1),
            document_id="TU,2026/10/01,07/CV-TU",
        ),
        steering_type=1,
    )
    parsed = edxml.parse_package(edxml.build_package_xml(original))
    assert parsed.document_id == f"{PARTNER_ID},2026/11/20,15/CV/TU"
    for name in (
        "code_number", "code_notation", "promulgation_date", "type_code", "type_name",
        "subject", "content", "signer_name", "due_date", "to_places", "priority",
        "page_amount", "steering_type", "response_for", "business_type", "traces",
    ):  # fmt: skip
        assert getattr(parsed, name) == getattr(original, name), name
    assert parsed.sender.name == "Tỉnh ủy Nghệ An"
    assert [r.organ_id for r in parsed.recipients] == ["TU"]
    assert parsed.attachments[0].data == original.attachments[0].data
    assert len(parsed.content_hash) == 64


def test_envelope_uses_the_qcvn_namespace_and_the_business_types() -> None:
    for kind in (edxml.NEW, edxml.RECALL, edxml.UPDATE, edxml.REPLACE):
        root = etree.fromstring(package_bytes(business_type=kind))
        assert etree.QName(root).namespace == "http://www.mic.gov.vn/TBT/QCVN_102_2016"
        found = root.find(".//edXML:Bussiness/edXML:BussinessDocType", edxml.NSMAP)
        assert found is not None and found.text == str(kind)


def test_content_hash_ignores_trace_and_recipients_but_not_content() -> None:
    a = edxml.parse_package(package_bytes())
    b = edxml.parse_package(
        package_bytes(
            traces=[("X.1", datetime.datetime(2026, 11, 21, tzinfo=datetime.UTC))],
            recipients=[edxml.Organ(organ_id="TU", name="Thành ủy"), edxml.Organ("DU1", "ĐU")],
        )
    )
    c = edxml.parse_package(package_bytes(subject="Trích yếu khác"))
    assert a.content_hash == b.content_hash != c.content_hash


def test_building_refuses_what_the_schema_refuses() -> None:
    with pytest.raises(edxml.EdxmlError, match="lược đồ"):
        edxml.build_package_xml(package(subject="  "))
    with pytest.raises(edxml.EdxmlError, match="lược đồ"):
        edxml.build_package_xml(package(recipients=[]))


def _replace(data: bytes, old: bytes, new: bytes) -> bytes:
    assert old in data
    return data.replace(old, new, 1)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: _replace(d, b"<edXML:Subject>", b"<edXML:Tieude>").replace(
            b"</edXML:Subject>", b"</edXML:Tieude>"), "lược đồ"),
        (lambda d: _replace(d, b"<edXML:PromulgationDate>2026/11/20",
                            b"<edXML:PromulgationDate>20/11/2026"), "lược đồ"),
        (lambda d: _replace(d, b"http://www.mic.gov.vn/TBT/QCVN_102_2016",
                            b"http://www.e-doc.vn/Schema/"), "namespace"),
        (lambda d: _replace(d, b"<edXML:CodeNumber>15<", b"<edXML:CodeNumber>16<"),
         "không khớp"),
        (lambda d: d[:-40], "không phải XML"),
        (lambda d: b"", "rỗng"),
        (lambda d: _replace(d, base64.b64encode(b"%PDF-1.4 noi dung cong van"),
                            base64.b64encode(b"%PDF-1.4 noi dung da sua")), "SHA-256"),
        (lambda d: _replace(d, b"<edXML:ContentId>a1</edXML:ContentId><edXML:Description",
                            b"<edXML:ContentId>a2</edXML:ContentId><edXML:Description"),
         "manifest"),
    ],
    ids=["missing-field", "bad-date", "wrong-namespace", "document-id-mismatch", "truncated",
         "empty", "attachment-hash", "attachment-not-in-manifest"],
)  # fmt: skip
def test_malformed_packages_are_refused_with_a_clear_reason(mutate: object, message: str) -> None:
    with pytest.raises(edxml.EdxmlError, match=message):
        edxml.parse_package(mutate(package_bytes()))  # type: ignore[operator]


EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<edXML:edXML xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">&xxe;</edXML:edXML>"""


@pytest.mark.parametrize("data", [BOMB, EXTERNAL], ids=["billion-laughs", "external-entity"])
def test_entity_tricks_are_refused_quickly(data: bytes) -> None:
    started = time.monotonic()
    with pytest.raises(edxml.EdxmlError, match="ENTITY"):
        edxml.parse_package(data)
    assert time.monotonic() - started < 0.5


def test_parser_itself_does_not_expand_entities() -> None:
    # Defence in depth: even past the DOCTYPE check, lxml is told not to resolve entities.
    # (libxml2 also caps amplification itself: either way nothing big is ever built).
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(BOMB, parser)
    except etree.XMLSyntaxError as exc:
        assert "amplification" in str(exc)
    else:
        assert len(etree.tostring(root)) < 10_000


@override_settings(VANTHU_EXCHANGE_MAX_MB=1)
def test_packages_over_the_size_limit_are_refused_before_parsing() -> None:
    big = package_bytes(
        attachments=[edxml.Attachment("to.pdf", "application/pdf", b"x" * 1_100_000, "big")]
    )
    with pytest.raises(edxml.EdxmlError, match="giới hạn 1 MB"):
        edxml.parse_package(big)


def test_status_round_trip_and_codes() -> None:
    assert set(edxml.STATUS_CODES) == {"01", "02", "03", "04", "05", "06", "13", "15", "16"}
    message = edxml.StatusMessage(
        sender=edxml.Organ("TU", "Thành ủy"),
        response_for=edxml.ResponseFor(
            PARTNER_ID, "15/CV/TU", datetime.date(2026, 11, 20), f"{PARTNER_ID},2026/11/20,15/CV/TU"
        ),
        code="03",
        description="Đã tiếp nhận",
        timestamp=datetime.datetime(2026, 11, 21, 8, 30, tzinfo=datetime.UTC),
        staff="Văn thư",
    )
    parsed = edxml.parse_status(edxml.build_status_xml(message))
    assert parsed == message


def test_a_status_with_an_unknown_code_is_refused() -> None:
    message = edxml.StatusMessage(
        sender=edxml.Organ("TU", "Thành ủy"),
        response_for=edxml.ResponseFor("X", "1/A", datetime.date(2026, 1, 1), "X,2026/01/01,1/A"),
        code="99",
        description="?",
        timestamp=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )
    with pytest.raises(edxml.EdxmlError, match="lược đồ"):
        edxml.build_status_xml(message)


def test_document_id_parts() -> None:
    assert edxml.parse_document_id("000.00.00.G22,2015/09/30,7816/VPCP-TTĐT") == (
        "000.00.00.G22",
        datetime.date(2015, 9, 30),
        "7816",
        "VPCP-TTĐT",
    )
    with pytest.raises(edxml.EdxmlError):
        edxml.parse_document_id("G22,7816/VPCP")
