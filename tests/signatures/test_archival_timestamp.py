"""PAdES B-LTA (docs/signatures.md, "Mức chữ ký"): with ``VANTHU_SIGNING_LTA`` the
organisation's B-LT signature gets a document timestamp over its validation data; pyHanko's
own validator accepts it (the ETSI EN 319 102-1 long-term-availability procedure and the
document timestamp), ``pdfsig`` still finds the signature valid, our check reports B-LTA (a
document timestamp is not taken for a broken signature), a change under the timestamp is
detected, and a TSA that fails the archival timestamp falls back to B-LT saying why.

The TSA and the CRL are a real HTTP server on loopback (``signing_pki.Authority``); the CA is
generated at run time."""

from __future__ import annotations

import asyncio
import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from asn1crypto.crl import CertificateList
from pyhanko.pdf_utils.decode_limits import DecodePurpose
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESPassed
from pyhanko.sign.validation import validate_pdf_timestamp
from pyhanko.sign.validation.ades import ades_lta_validation
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.policy_decl import (
    LocalKnowledge,
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.policy_decl import REQUIRE_REVINFO, CertRevTrustPolicy
from pyhanko_certvalidator.registry import SimpleTrustManager
from pyhanko_certvalidator.revinfo.archival import CRLContainer

from tests.exchange.signing_pki import Authority, pdfsig, plain_pdf
from tests.exchange.test_signing import PASS
from tests.signatures.conftest import api, incoming_file
from vanthu.exchange.signing import LongTerm, SignedPdf, sign_pdf_leveled
from vanthu.exchange.verify import State, file_state, load_certificates, verify_all
from vanthu.signatures.models import OrganizationSignature

needs_pdfsig = pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler is missing")


@pytest.fixture(scope="module")
def authority() -> Iterator[Authority]:
    served = Authority().start()
    yield served
    served.stop()


@pytest.fixture
def archival(authority: Authority, tmp_path: Path, settings: Any) -> Authority:
    """The office set up for B-LT (root, CRL folder, loopback TSA), B-LTA asked for."""
    authority.configure(settings, tmp_path)
    settings.VANTHU_SIGNING_LTA = True
    authority.failing_stamps = set()
    return authority


def _sign(authority: Authority) -> SignedPdf:
    assert authority.pki is not None
    return sign_pdf_leveled(
        plain_pdf(),
        signer_p12=authority.pki.p12("good"),
        passphrase=PASS,
        reason="Ban hành",
        location="Hà Nội",
        long_term=LongTerm.configured(),
    )


def _lta_valid_from_the_file_alone(data: bytes, root_pem: bytes) -> Any:
    """pyHanko's validation of a signature with long-term availability and integrity of
    validation material (ETSI EN 319 102-1 § 5.6.3), with only the file's DSS for
    revocation, the document timestamp as the evidence record."""
    reader = PdfFileReader(io.BytesIO(data))
    dss = DocumentSecurityStore.read_dss(reader)
    crls = [
        CRLContainer(CertificateList.load(r.get_object().read_data(DecodePurpose.CRL)))
        for r in dss.crls
    ]
    [root] = load_certificates([root_pem])
    spec = SignatureValidationSpec(
        cert_validation_policy=CertValidationPolicySpec(
            trust_manager=SimpleTrustManager.build(trust_roots=[root]),
            revinfo_policy=CertRevTrustPolicy(REQUIRE_REVINFO),
        ),
        revinfo_gathering_policy=RevocationInfoGatheringSpec(RevinfoOnlineFetchingRule.LOCAL_ONLY),
        local_knowledge=LocalKnowledge(known_crls=crls, known_certs=list(dss.load_certs())),
    )
    signature = next(s for s in reader.embedded_signatures if s.sig_object_type == "/Sig")
    return asyncio.run(ades_lta_validation(signature, PdfSignatureValidationSpec(spec)))


@needs_pdfsig
def test_with_lta_the_signature_is_b_lta_and_validated_by_pyhanko_and_pdfsig(
    archival: Authority, tmp_path: Path
) -> None:
    signed = _sign(archival)
    assert (signed.level, signed.note) == ("B-LTA", "")
    assert archival.pki is not None
    # The signature timestamp and the document timestamp: two requests to the TSA.
    assert archival.requests.count("POST /tsa") >= 2

    reader = PdfFileReader(io.BytesIO(signed.data))
    kinds = [s.sig_object_type for s in reader.embedded_signatures]
    assert kinds == ["/Sig", "/DocTimeStamp"]
    [root] = load_certificates([archival.pki.root_pem])
    stamp = validate_pdf_timestamp(
        reader.embedded_signatures[1],
        validation_context=ValidationContext(trust_roots=[root], allow_fetching=False),
    )
    assert stamp.intact and stamp.valid and stamp.trusted
    result = _lta_valid_from_the_file_alone(signed.data, archival.pki.root_pem)
    assert result.ades_subindic == AdESPassed.OK, result

    # poppler validates the person's signature (it does not check document timestamps).
    report = pdfsig(signed.data, tmp_path)
    first = report.split("Signature #2")[0]
    assert "Signature is Valid" in first, report

    # Our check: one signature, B-LTA, valid; the document timestamp is not a broken signature.
    [checked] = verify_all(signed.data)
    assert (checked.level, checked.state) == ("B-LTA", State.VALID), checked.summary


def test_a_change_under_the_document_timestamp_is_detected(archival: Authority) -> None:
    signed = _sign(archival).data
    reader = PdfFileReader(io.BytesIO(signed))
    person, stamp = reader.embedded_signatures
    # A byte of a stream that the document timestamp covers but the signature does not (the
    # DSS written between them): the signature stays intact, the timestamp does not.
    start = int(person.sig_object["/ByteRange"][2]) + int(person.sig_object["/ByteRange"][3])
    end = int(stamp.sig_object["/ByteRange"][1])
    found = re.search(rb"stream\r?\n", signed[start:end])
    assert found is not None
    at = start + found.end() + 5
    tampered = signed[:at] + bytes([signed[at] ^ 0x01]) + signed[at + 1 :]

    results = verify_all(tampered)
    assert file_state(results) == State.INVALID
    assert any("Dấu thời gian tài liệu" in r.summary for r in results), [r.summary for r in results]
    assert results[0].intact  # the person's signature itself is untouched


def test_a_tsa_that_fails_the_archival_timestamp_falls_back_to_b_lt_saying_why(
    archival: Authority,
) -> None:
    archival.requests.clear()
    archival.failing_stamps = {2}  # the document timestamp's request
    signed = _sign(archival)
    assert signed.level == "B-LT"
    assert "B-LTA" in signed.note
    [checked] = verify_all(signed.data)
    assert (checked.level, checked.state) == ("B-LT", State.VALID), checked.summary


def test_without_the_setting_the_signature_stays_b_lt(archival: Authority, settings: Any) -> None:
    settings.VANTHU_SIGNING_LTA = False
    signed = _sign(archival)
    assert (signed.level, signed.note) == ("B-LT", "")
    kinds = [s.sig_object_type for s in PdfFileReader(io.BytesIO(signed.data)).embedded_signatures]
    assert kinds == ["/Sig"]


@pytest.mark.django_db
def test_the_office_sao_y_at_b_lta_is_kept_and_checked_as_b_lta(
    archival: Authority, people: Any, settings: Any, tmp_path: Path
) -> None:
    assert archival.pki is not None
    key = tmp_path / "co-quan.p12"
    key.write_bytes(archival.pki.p12("good"))
    settings.VANTHU_SIGNING_PKCS11_MODULE = ""
    settings.VANTHU_SIGNING_KEY_P12 = str(key)
    settings.VANTHU_SIGNING_KEY_PASSPHRASE = PASS
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    scan = incoming_file(people.clerk, plain_pdf())
    url = f"/api/v1/documents/{scan.document_id}/files/{scan.pk}/certified-copy/"
    answer = api(people.clerk).post(url, {}, format="json")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert (body["level"], body["level_note"]) == ("B-LTA", "")
    [entry] = body["signature"]["signatures"]
    assert (entry["state"], entry["level"]) == ("valid", "B-LTA")
    assert OrganizationSignature.objects.get().level == "B-LTA"
