"""Fixtures for the exchange tests: our committee, a partner installation, edXML packages."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token

from vanthu.exchange import edxml
from vanthu.exchange import services as exchange_services
from vanthu.exchange.models import Partner
from vanthu.orgs.models import DocumentType, Organization
from vanthu.registry import sending, services
from vanthu.registry.models import Document

PARTNER_ID = "000.00.00.H41"


def package(**changes: Any) -> edxml.Package:
    """A package as the partner (Tỉnh ủy Nghệ An) would send it to our TU."""
    data: dict[str, Any] = {
        "sender": edxml.Organ(organ_id=PARTNER_ID, name="Tỉnh ủy Nghệ An"),
        "recipients": [edxml.Organ(organ_id="TU", name="Thành ủy")],
        "code_number": "15",
        "code_notation": "CV/TU",
        "promulgation_date": datetime.date(2026, 11, 20),
        "type_code": "CV",
        "type_name": "Công văn",
        "subject": "V/v phối hợp tổ chức hội nghị quán triệt nghị quyết",
        "signer_name": "Nguyễn Văn Ấn",
        "priority": 1,
        "page_amount": 2,
        "due_date": datetime.date(2026, 12, 5),
        "to_places": ["Thành ủy", "Lưu VT"],
        "traces": [(PARTNER_ID, datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC))],
        "attachments": [
            edxml.Attachment(
                name="cong-van.pdf",
                content_type="application/pdf",
                data=b"%PDF-1.4 noi dung cong van",
                content_id="a1",
            )
        ],
    }
    data.update(changes)
    return edxml.Package(**data)


def package_bytes(**changes: Any) -> bytes:
    return edxml.build_package_xml(package(**changes))


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<edXML:edXML xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">&lol9;</edXML:edXML>"""


def status_from_partner(document: Document, code: str, minute: int, reason: str = "") -> bytes:
    number, notation = exchange_services.split_number_symbol(document.number_symbol)
    assert document.issued_date is not None
    doc_id = edxml.document_id("TU", document.issued_date, number, notation)
    return edxml.build_status_xml(
        edxml.StatusMessage(
            sender=edxml.Organ(PARTNER_ID, "Tỉnh ủy Nghệ An"),
            response_for=edxml.ResponseFor(
                "TU", f"{number}/{notation}", document.issued_date, doc_id
            ),
            code=code,
            description=reason or edxml.STATUS_CODES[code],
            timestamp=datetime.datetime(2026, 11, 24, 8, minute, tzinfo=datetime.UTC),
        )
    )


@pytest.fixture
def tu(city: Any) -> Organization:
    return city.tu  # type: ignore[no-any-return]


@pytest.fixture
def clerk(tu: Organization, make_user: Callable[..., Any]) -> Any:
    return make_user(username="vt_tu", organization=tu, roles=["clerk"], clearance="secret")


@pytest.fixture
def partner(make_user: Callable[..., Any], make_org: Callable[..., Any]) -> Partner:
    outside = make_org(code="NGOAI", name="Tổ chức dịch vụ", kind="agency")
    user = make_user(username="svc_nghean", organization=outside, roles=[])
    return Partner.objects.create(
        organ_id=PARTNER_ID,
        name="Tỉnh ủy Nghệ An",
        endpoint_url="https://vanthu.nghean.example/api/v1/exchange/inbox/",
        service_user=user,
    )


@pytest.fixture
def partner_token(partner: Partner) -> str:
    return str(Token.objects.create(user=partner.service_user).key)


@pytest.fixture
def sent_document(tu: Organization, clerk: Any, partner: Partner) -> Any:
    """An issued outgoing công văn of TU, to the partner, with one PDF."""
    doc = services.create_outgoing(
        actor=clerk,
        organization=tu,
        data={
            "document_type": DocumentType.objects.get(code="CV"),
            "summary": "V/v đề nghị phối hợp kiểm tra",
            "signer": "Lê Thị Bình",
            "urgency": "urgent",
            "recipients": [{"name": partner.name}],
        },
    )
    services.add_file(
        actor=clerk,
        document=doc,
        upload=SimpleUploadedFile("kiem-tra.pdf", b"%PDF-1.4 de nghi", "application/pdf"),
    )
    doc = services.issue_outgoing(actor=clerk, document=doc)
    return sending.send_outgoing(actor=clerk, document=doc)
