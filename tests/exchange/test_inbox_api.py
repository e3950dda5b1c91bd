"""POST /api/v1/exchange/inbox/: token of a partner's service user, body = edXML."""

from __future__ import annotations

from typing import Any

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.exchange.conftest import BOMB, package_bytes, status_from_partner
from vanthu.audit.models import Event
from vanthu.exchange import edxml
from vanthu.exchange.models import Partner, ReceivedPackage, ReceivedStatus
from vanthu.orgs.models import Organization
from vanthu.registry.models import Document

URL = "/api/v1/exchange/inbox/"


def _post(data: bytes, token: str | None) -> Any:
    client = APIClient()
    if token is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.post(URL, data=data, content_type="application/xml")


def test_a_package_is_accepted_with_status_01(
    tu: Organization, partner: Partner, partner_token: str
) -> None:
    answer = _post(package_bytes(), partner_token)
    assert answer.status_code == 202, answer.content
    assert answer["Content-Type"].startswith("application/xml")
    status = edxml.parse_status(answer.content)
    assert (status.code, status.sender.organ_id) == ("01", "TU")
    document = Document.objects.get(direction="incoming")
    assert document.status == "pending_registration"
    # Sent again (a retry after a lost answer): the same answer, still one document.
    assert _post(package_bytes(), partner_token).status_code == 202
    assert Document.objects.filter(direction="incoming").count() == 1


def test_a_bad_token_is_401_and_stores_nothing(tu: Organization, partner: Partner) -> None:
    assert _post(package_bytes(), "0" * 40).status_code == 401
    assert _post(package_bytes(), None).status_code == 401
    assert not Document.objects.exists()


def test_a_user_who_is_no_partner_is_403(tu: Organization, clerk: Any, partner: Partner) -> None:
    token = Token.objects.create(user=clerk).key
    assert _post(package_bytes(), token).status_code == 403
    partner.active = False
    partner.save()
    assert (
        _post(package_bytes(), Token.objects.create(user=partner.service_user).key).status_code
        == 403
    )
    assert not Document.objects.exists()


def test_malformed_xml_is_400_with_a_clear_message_and_an_event(
    tu: Organization, partner: Partner, partner_token: str
) -> None:
    answer = _post(package_bytes()[:-50], partner_token)
    assert answer.status_code == 400
    assert "không phải XML hợp lệ" in answer.json()["package"][0]
    assert Event.objects.filter(action="exchange.package.refuse").count() == 1
    assert not Document.objects.exists() and not ReceivedPackage.objects.exists()


def test_an_xml_bomb_is_400(tu: Organization, partner: Partner, partner_token: str) -> None:
    answer = _post(BOMB, partner_token)
    assert answer.status_code == 400
    assert "ENTITY" in answer.json()["package"][0]
    assert not Document.objects.exists()


def test_a_package_for_nobody_here_is_400(partner: Partner, partner_token: str) -> None:
    data = package_bytes(recipients=[edxml.Organ("KHONGCO", "Không có")])
    answer = _post(data, partner_token)
    assert answer.status_code == 400
    assert "không gửi cho" in answer.json()["package"][0]
    assert Event.objects.filter(action="exchange.package.refuse").exists()


def test_a_status_message_moves_our_recipient_forward(
    sent_document: Document, partner_token: str
) -> None:
    answer = _post(status_from_partner(sent_document, "03", 3), partner_token)
    assert answer.status_code == 202, answer.content
    assert answer.json() == {"applied": True, "code": "03"}
    assert sent_document.recipients.get().status == "registered"


def test_a_package_over_the_limit_is_400_and_audited(
    tu: Organization, partner: Partner, partner_token: str, settings: Any
) -> None:
    settings.VANTHU_EXCHANGE_MAX_MB = 1
    big = package_bytes(
        attachments=[edxml.Attachment("to.pdf", "application/pdf", b"x" * 1_100_000, "big")]
    )
    answer = _post(big, partner_token)
    assert answer.status_code == 400
    assert "giới hạn 1 MB" in answer.json()["package"][0]
    assert Event.objects.filter(action="exchange.package.refuse").exists()
    assert not Document.objects.exists()


def test_a_package_for_two_of_our_organisations_reaches_each_once(
    city: Any, partner: Partner, partner_token: str
) -> None:
    data = package_bytes(
        recipients=[edxml.Organ("TU", "Thành ủy"), edxml.Organ("DU1", "Đảng ủy phường Bến Nghé")]
    )
    assert _post(data, partner_token).status_code == 202
    assert _post(data, partner_token).status_code == 202
    documents = Document.objects.filter(direction="incoming")
    assert sorted(d.organization.code for d in documents) == ["DU1", "TU"]


def test_a_04_arriving_after_the_06_does_not_move_our_view_backwards(
    sent_document: Document, partner_token: str
) -> None:
    # Delivered concurrently or retried, the partner's 06 may overtake its 04 and 05.
    assert _post(status_from_partner(sent_document, "06", 6), partner_token).json() == {
        "applied": True,
        "code": "06",
    }
    for code, minute in (("04", 4), ("05", 5), ("03", 3)):
        answer = _post(status_from_partner(sent_document, code, minute), partner_token)
        assert answer.status_code == 202
        assert answer.json() == {"applied": False, "code": code}
    assert sent_document.recipients.get().status == "done"
    # Every message is kept, in the order the partner sent them.
    codes = list(ReceivedStatus.objects.values_list("code", "applied"))
    assert codes == [("03", False), ("04", False), ("05", False), ("06", True)]
