"""Signed edXML (XML-DSig): we sign what we send, the inbox checks what partners send first.

Keys and certificates are made at run time (tests/exchange/keys.py); nothing secret is committed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from lxml import etree
from rest_framework.test import APIClient

from tests.exchange.conftest import BOMB, package_bytes, status_from_partner
from tests.exchange.keys import PASSPHRASE, make_key
from tests.exchange.test_outbox import FakePartner, fake  # noqa: F401 — the fixture
from vanthu.audit.models import Event
from vanthu.core import jobs
from vanthu.exchange import dsig, edxml, outbox
from vanthu.exchange.models import OutboxMessage, Partner, ReceivedPackage, ReceivedStatus
from vanthu.orgs.models import Organization
from vanthu.registry.models import Document

URL = "/api/v1/exchange/inbox/"


def _post(data: bytes, token: str) -> Any:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.post(URL, data=data, content_type="application/xml")


@pytest.fixture
def our_certificate(tmp_path: Path, settings: Any) -> str:
    """Our installation's exchange key, configured as an administrator would."""
    pem = make_key(tmp_path / "thanh-uy.p12", "Thành ủy")
    settings.VANTHU_EXCHANGE_KEY_P12 = str(tmp_path / "thanh-uy.p12")
    settings.VANTHU_EXCHANGE_KEY_PASSPHRASE = PASSPHRASE
    return pem


@pytest.fixture
def partner_key(tmp_path: Path, partner: Partner) -> dsig.ExchangeKey:
    """The partner's key; its certificate is what we have on file for the partner."""
    partner.certificate_pem = make_key(tmp_path / "nghe-an.p12", "Tỉnh ủy Nghệ An")
    partner.save()
    return dsig.load_key(str(tmp_path / "nghe-an.p12"), PASSPHRASE)


def _refused(answer: Any, reason: str, action: str = "exchange.signature.refuse") -> None:
    assert answer.status_code == 400, answer.content
    assert reason in answer.json()["package"][0], answer.json()
    assert Event.objects.filter(action=action).count() == 1
    assert not Document.objects.filter(direction="incoming").exists()
    assert not ReceivedPackage.objects.exists()


def test_a_signed_package_is_accepted_and_our_status_01_is_signed(
    tu: Organization, partner_key: dsig.ExchangeKey, partner_token: str, our_certificate: str
) -> None:
    answer = _post(dsig.sign(package_bytes(), partner_key), partner_token)
    assert answer.status_code == 202, answer.content
    assert Document.objects.get(direction="incoming").status == "pending_registration"
    # The acknowledgement carries our signature, which the partner checks with our certificate.
    status = edxml.parse_status(dsig.verify(answer.content, our_certificate))
    assert status.code == "01"


def test_an_ecdsa_key_signs_and_verifies(tmp_path: Path, tu: Organization) -> None:
    pem = make_key(tmp_path / "ec.p12", "Thành ủy", kind="ec")
    signed = dsig.sign(package_bytes(), dsig.load_key(str(tmp_path / "ec.p12"), PASSPHRASE))
    assert b"ecdsa-sha256" in signed
    assert edxml.parse_package(dsig.verify(signed, pem)).code_number == "15"


def test_an_unsigned_package_is_refused_when_the_partner_has_a_certificate(
    tu: Organization, partner_key: dsig.ExchangeKey, partner_token: str
) -> None:
    _refused(_post(package_bytes(), partner_token), "chưa được ký số")


def test_a_package_signed_with_another_key_is_refused(
    tmp_path: Path, tu: Organization, partner_key: dsig.ExchangeKey, partner_token: str
) -> None:
    make_key(tmp_path / "gia-mao.p12", "Tỉnh ủy Nghệ An")  # same name, another key
    impostor = dsig.load_key(str(tmp_path / "gia-mao.p12"), PASSPHRASE)
    _refused(_post(dsig.sign(package_bytes(), impostor), partner_token), "sai khóa")


def test_a_package_changed_after_signing_is_refused(
    tu: Organization, partner_key: dsig.ExchangeKey, partner_token: str
) -> None:
    signed = dsig.sign(package_bytes(), partner_key)
    tampered = signed.replace("phối hợp".encode(), "hủy bỏ".encode(), 1)
    assert tampered != signed
    _refused(_post(tampered, partner_token), "bị thay đổi sau khi ký")


def test_a_signature_moved_out_of_the_header_is_refused(
    tu: Organization, partner_key: dsig.ExchangeKey, partner_token: str
) -> None:
    root = etree.fromstring(dsig.sign(package_bytes(), partner_key))
    signature = root.find(f".//{{{dsig.DS}}}Signature")
    assert signature is not None
    root.append(signature)  # after AttachmentEncoded: not where QCVN 102 puts it
    _refused(_post(etree.tostring(root), partner_token), "không đúng vị trí")


def test_two_signatures_are_refused(
    tu: Organization, partner_key: dsig.ExchangeKey, partner_token: str
) -> None:
    root = etree.fromstring(dsig.sign(package_bytes(), partner_key))
    header = root.find(f".//{{{edxml.NS}}}edXMLHeader")
    signature = root.find(f".//{{{dsig.DS}}}Signature")
    assert header is not None and signature is not None
    header.append(etree.fromstring(etree.tostring(signature)))
    _refused(_post(etree.tostring(root), partner_token), "không đúng vị trí")


def test_an_expired_partner_certificate_is_refused(
    tmp_path: Path, tu: Organization, partner: Partner, partner_token: str
) -> None:
    partner.certificate_pem = make_key(tmp_path / "cu.p12", "Tỉnh ủy Nghệ An", days=-1)
    partner.save()
    key = dsig.load_key(str(tmp_path / "cu.p12"), PASSPHRASE)
    _refused(_post(dsig.sign(package_bytes(), key), partner_token), "hết hạn")


def test_an_unreadable_partner_certificate_refuses_with_a_clear_reason(
    tu: Organization, partner: Partner, partner_token: str
) -> None:
    partner.certificate_pem = "-----BEGIN CERTIFICATE-----\nkhông phải PEM\n"
    partner.save()
    _refused(_post(package_bytes(), partner_token), "không đọc được")


def test_an_xml_bomb_is_refused_before_the_signature_is_looked_at(
    tu: Organization, partner_key: dsig.ExchangeKey, partner_token: str
) -> None:
    _refused(_post(BOMB, partner_token), "ENTITY", action="exchange.package.refuse")
    assert not Event.objects.filter(action="exchange.signature.refuse").exists()


def test_a_tampered_status_message_changes_nothing(
    sent_document: Document, partner_key: dsig.ExchangeKey, partner_token: str
) -> None:
    signed = dsig.sign(status_from_partner(sent_document, "03", 3), partner_key)
    forged = signed.replace(b">03<", b">06<")
    assert forged != signed
    answer = _post(forged, partner_token)
    assert answer.status_code == 400
    assert "bị thay đổi sau khi ký" in answer.json()["package"][0]
    assert not ReceivedStatus.objects.exists()
    assert sent_document.recipients.get().status == "not_sent"
    # The genuine message is applied.
    assert _post(signed, partner_token).json() == {"applied": True, "code": "03"}


def test_without_a_key_messages_go_unsigned(sent_document: Document, partner: Partner) -> None:
    [message] = outbox.send_to_partners(sent_document)
    assert b"Signature" not in bytes(message.payload)


def test_the_outbox_signs_packages_and_statuses(
    our_certificate: str, sent_document: Document, partner: Partner, partner_token: str
) -> None:
    [message] = outbox.send_to_partners(sent_document)
    assert edxml.parse_package(dsig.verify(bytes(message.payload), our_certificate))
    # A package received from the partner, then our status 03 about it: signed too.
    _post(package_bytes(), partner_token)
    received = Document.objects.get(direction="incoming")
    status = outbox.status_changed(received, "03")
    assert status is not None
    assert edxml.parse_status(dsig.verify(bytes(status.payload), our_certificate)).code == "03"


def test_an_unsigned_status_01_answer_is_not_applied(
    sent_document: Document,
    partner_key: dsig.ExchangeKey,
    fake: FakePartner,  # noqa: F811 — the fixture
) -> None:
    partner = Partner.objects.get()
    partner.endpoint_url, partner.token = fake.url, "t" * 40
    partner.save()
    fake.answer = lambda body: (202, status_from_partner(sent_document, "01", 1))
    outbox.send_to_partners(sent_document)
    jobs.run_pending()
    message = OutboxMessage.objects.get()
    assert message.status == "sent"
    assert "chưa được ký số" in message.last_error
    assert sent_document.recipients.get().status == "not_sent"
    # Signed, the 01 is applied.
    fake.answer = lambda body: (
        202,
        dsig.sign(status_from_partner(sent_document, "01", 2), partner_key),
    )
    OutboxMessage.objects.update(status="pending")
    outbox.deliver(message.pk)
    assert sent_document.recipients.get().status == "delivered"


def test_a_wrong_passphrase_is_a_clear_configuration_error(
    tmp_path: Path, sent_document: Document, partner: Partner, settings: Any
) -> None:
    make_key(tmp_path / "k.p12", "Thành ủy")
    settings.VANTHU_EXCHANGE_KEY_P12 = str(tmp_path / "k.p12")
    settings.VANTHU_EXCHANGE_KEY_PASSPHRASE = "sai-mat-khau"
    before = list(OutboxMessage.objects.values_list("pk", "payload"))
    with pytest.raises(ImproperlyConfigured, match="Không đọc được khóa liên thông"):
        outbox.send_to_partners(sent_document)
    assert list(OutboxMessage.objects.values_list("pk", "payload")) == before


def test_the_admin_refuses_an_unreadable_partner_certificate(
    tmp_path: Path, partner: Partner
) -> None:
    partner.certificate_pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
    with pytest.raises(ValidationError) as err:
        partner.full_clean()
    assert "không đọc được" in err.value.message_dict["certificate_pem"][0]
    partner.certificate_pem = make_key(tmp_path / "p.p12", "Tỉnh ủy Nghệ An")
    partner.full_clean()
