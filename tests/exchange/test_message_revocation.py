"""Revocation of a partner's message certificate (docs/exchange.md, "Thu hồi chứng thư của đối
tác"): a package or status signed with a certificate that the office's CRL folder lists as
revoked is refused (400, ``exchange.signature.refuse`` with cause ``revoked``), nothing stored;
a good certificate of the same CA goes through; with no revocation data the pinned certificate
is accepted as before.

The CA, the good and the revoked certificates and the CRL are the long-term tests' own, made at
run time (``tests.exchange.signing_pki.RevocationPki``); no network is used."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.exchange.conftest import package_bytes, status_from_partner
from tests.exchange.signing_pki import RevocationPki
from tests.exchange.test_signing import PASS
from vanthu.audit.models import Event
from vanthu.exchange import dsig
from vanthu.exchange.models import Partner, ReceivedPackage, ReceivedStatus
from vanthu.orgs.models import Organization
from vanthu.registry.models import Document

pytestmark = pytest.mark.django_db

URL = "/api/v1/exchange/inbox/"


@pytest.fixture(scope="module")
def pki() -> RevocationPki:
    # The CRL is read from the office's folder; the distribution point is never fetched.
    return RevocationPki("http://127.0.0.1:9/crl/ca.crl")


@pytest.fixture
def office_crls(pki: RevocationPki, tmp_path: Path, settings: Any) -> Path:
    """The CA's root trusted and its CRL in the office's folder; fetching off."""
    roots = tmp_path / "goc"
    roots.mkdir()
    (roots / "ca.pem").write_bytes(pki.root_pem)
    crls = tmp_path / "crl"
    crls.mkdir()
    (crls / "ca.crl").write_bytes(pki.crl())
    settings.VANTHU_EXCHANGE_TRUST_ROOTS = str(roots)
    settings.VANTHU_SIGNATURE_CRL_DIR = str(crls)
    settings.VANTHU_SIGNATURE_FETCH_REVOCATION = False
    return crls


def _partner_key(pki: RevocationPki, which: str, partner: Partner, tmp_path: Path) -> Any:
    """The partner signs with ``which`` certificate of the CA, and that is the one on file."""
    path = tmp_path / f"doi-tac-{which}.p12"
    path.write_bytes(pki.p12(which))
    key = dsig.load_key(str(path), PASS)
    partner.certificate_pem = key.certificate_pem
    partner.save()
    return key


def _post(data: bytes, token: str) -> Any:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.post(URL, data=data, content_type="application/xml")


def _refusals() -> list[dict[str, Any]]:
    return [e.details for e in Event.objects.filter(action="exchange.signature.refuse")]


def test_a_package_signed_with_a_revoked_certificate_is_refused_and_audited(
    pki: RevocationPki,
    office_crls: Path,
    tu: Organization,
    partner: Partner,
    partner_token: str,
    tmp_path: Path,
) -> None:
    key = _partner_key(pki, "revoked", partner, tmp_path)
    answer = _post(dsig.sign(package_bytes(), key), partner_token)
    assert answer.status_code == 400, answer.content
    message = answer.json()["package"][0]
    assert "đã bị thu hồi" in message and "lộ khóa bí mật" in message
    (details,) = _refusals()
    assert details["cause"] == "revoked" and details["partner"] == partner.organ_id
    assert not ReceivedPackage.objects.exists()
    assert not Document.objects.filter(direction="incoming").exists()


def test_a_good_certificate_of_the_same_ca_is_accepted(
    pki: RevocationPki,
    office_crls: Path,
    tu: Organization,
    partner: Partner,
    partner_token: str,
    tmp_path: Path,
) -> None:
    key = _partner_key(pki, "good", partner, tmp_path)
    answer = _post(dsig.sign(package_bytes(), key), partner_token)
    assert answer.status_code == 202, answer.content
    assert ReceivedPackage.objects.count() == 1 and not _refusals()


def test_a_status_signed_with_a_revoked_certificate_changes_nothing(
    pki: RevocationPki,
    office_crls: Path,
    sent_document: Document,
    partner: Partner,
    partner_token: str,
    tmp_path: Path,
) -> None:
    key = _partner_key(pki, "revoked", partner, tmp_path)
    answer = _post(dsig.sign(status_from_partner(sent_document, "03", 3), key), partner_token)
    assert answer.status_code == 400 and "đã bị thu hồi" in answer.json()["package"][0]
    assert not ReceivedStatus.objects.exists()
    assert sent_document.recipients.get().status == "not_sent"
    assert [d["cause"] for d in _refusals()] == ["revoked"]


def test_without_revocation_data_the_pinned_certificate_is_accepted_as_before(
    pki: RevocationPki,
    office_crls: Path,
    tu: Organization,
    partner: Partner,
    partner_token: str,
    tmp_path: Path,
    settings: Any,
) -> None:
    """No CRL of its CA (an empty folder): revocation says nothing, the pinned certificate
    decides, as for a PDF whose revocation is "unknown" (docs/signatures.md)."""
    for crl in office_crls.iterdir():
        crl.unlink()
    key = _partner_key(pki, "revoked", partner, tmp_path)
    assert _post(dsig.sign(package_bytes(), key), partner_token).status_code == 202
