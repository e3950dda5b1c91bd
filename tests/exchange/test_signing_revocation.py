"""Revocation and long-term signatures (docs/signatures.md, "Thu hồi chứng thư" and "Mức chữ
ký"): CRLs the installation keeps in a folder, the validation data embedded in the PDF (DSS),
fetching only when allowed; signing B-LT with a timestamp authority, falling back to B-T or B-B
and saying why.

A real timestamp authority and CRL server run on loopback (``signing_pki.Authority``: pyHanko's
own test TSA answering real HTTP requests); the CA, its certificates and CRLs are generated at
run time. B-LT output is checked by pyHanko's AdES long-term validation with nothing but the
file's own data, by poppler's ``pdfsig``, and its DSS read back with pikepdf and
``cryptography``.
"""

from __future__ import annotations

import asyncio
import datetime
import io
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from asn1crypto.crl import CertificateList
from cryptography import x509
from pyhanko.pdf_utils.decode_limits import DecodePurpose
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESPassed
from pyhanko.sign.validation.ades import ades_with_time_validation
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.policy_decl import (
    LocalKnowledge,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.policy_decl import REQUIRE_REVINFO, CertRevTrustPolicy
from pyhanko_certvalidator.registry import SimpleTrustManager
from pyhanko_certvalidator.revinfo.archival import CRLContainer

from tests.exchange.signing_pki import Authority, plain_pdf
from tests.exchange.test_signing import PASS
from vanthu.exchange.signing import LongTerm, SignedPdf, SigningError, sign_pdf_leveled
from vanthu.exchange.verify import load_certificates, verify_all

needs_pdfsig = pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler is missing")


@pytest.fixture(scope="module")
def authority() -> Iterator[Authority]:
    served = Authority().start()
    yield served
    served.stop()


@pytest.fixture
def configured(authority: Authority, tmp_path: Path, settings: Any) -> Path:
    """Trust roots, a CRL folder with the CA's CRL, and the loopback TSA, as an office sets
    them; fetching off (the default)."""
    folder = authority.configure(settings, tmp_path)
    settings.VANTHU_SECURITY_ZONE = "connected"
    authority.requests.clear()
    return folder


def _sign(authority: Authority, which: str = "good", **kwargs: Any) -> SignedPdf:
    return sign_pdf_leveled(
        plain_pdf(), signer_p12=authority.pki.p12(which), passphrase=PASS,  # type: ignore[union-attr]
        reason="Ký số của cơ quan", location="Thành phố Hồ Chí Minh", **kwargs,
    )  # fmt: skip


def _pdfsig(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "ky.pdf"
    path.write_bytes(data)
    done = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60)
    return done.stdout + done.stderr


def _lt_valid_from_the_file_alone(data: bytes, root_pem: bytes) -> Any:
    """pyHanko's AdES validation of a signature with time and long-term validation material
    (ETSI EN 319 102-1 § 5.5, the B-LT process), requiring revocation data for the chain and
    allowed to use only what the file's DSS carries (no fetching, no CRL folder)."""
    [root] = load_certificates([root_pem])
    reader = PdfFileReader(io.BytesIO(data))
    dss = DocumentSecurityStore.read_dss(reader)
    knowledge = LocalKnowledge(
        known_crls=[
            CRLContainer(CertificateList.load(r.get_object().read_data(DecodePurpose.CRL)))
            for r in dss.crls
        ],
        known_certs=list(dss.load_certs()),
    )
    spec = SignatureValidationSpec(
        cert_validation_policy=CertValidationPolicySpec(
            trust_manager=SimpleTrustManager.build(trust_roots=[root]),
            revinfo_policy=CertRevTrustPolicy(REQUIRE_REVINFO),
        ),
        revinfo_gathering_policy=RevocationInfoGatheringSpec(RevinfoOnlineFetchingRule.LOCAL_ONLY),
        local_knowledge=knowledge,
    )
    [sig] = reader.embedded_signatures
    sig.compute_integrity_info()
    return asyncio.run(
        ades_with_time_validation(
            sig.signed_data,
            spec,
            raw_digest=sig.compute_digest(),
            extra_status_kwargs=sig.summarise_integrity_info(),
            status_cls=PdfSignatureStatus,
        )
    )


@needs_pdfsig
def test_with_a_tsa_and_a_crl_the_signature_is_b_lt_and_valid_from_the_file_alone(
    authority: Authority, configured: Path, settings: Any, tmp_path: Path
) -> None:
    signed = _sign(authority)
    assert signed.level == "B-LT" and signed.note == ""
    assert ("POST /tsa") in authority.requests and "GET /crl" not in authority.requests

    # pyHanko's long-term validation, with nothing but the file's DSS for revocation.
    result = _lt_valid_from_the_file_alone(signed.data, authority.pki.root_pem)  # type: ignore[union-attr]
    assert result.ades_subindic == AdESPassed.OK, result.failure_msg
    # The best signature time is the signature timestamp's (B-T underneath), not now.
    assert result.best_signature_time < datetime.datetime.now(datetime.UTC)
    assert result.api_status.timestamp_validity is not None

    # The DSS read back independently: the CA's CRL, signed by the CA, and the chain.
    with pikepdf.open(io.BytesIO(signed.data)) as pdf:
        dss = pdf.Root.DSS
        crls = [x509.load_der_x509_crl(bytes(s.read_bytes())) for s in dss.CRLs]
        certs = [x509.load_der_x509_certificate(bytes(s.read_bytes())) for s in dss.Certs]
    ca = authority.pki.ca  # type: ignore[union-attr]
    assert [c.issuer for c in crls] == [ca.subject]
    assert crls[0].is_signature_valid(ca.public_key())  # type: ignore[arg-type]
    assert authority.pki.good in certs and ca in certs  # type: ignore[union-attr]

    # Poppler's pdfsig: the signature verifies; only validation data follows it.
    out = _pdfsig(signed.data, tmp_path)
    assert "Signature is Valid" in out and "ETSI.CAdES.detached" in out, out

    # Our own check, with no CRL folder: the DSS is enough (that is the point of LT).
    settings.VANTHU_SIGNATURE_CRL_DIR = ""
    [check] = verify_all(signed.data)
    assert check.state == "valid" and check.revocation == "good" and check.level == "B-LT"
    assert check.covers_whole_file and check.timestamp is not None
    assert "Đã kiểm tra thu hồi: chứng thư chưa bị thu hồi" in check.summary


@needs_pdfsig
def test_without_revocation_data_it_falls_back_to_b_t_and_says_why(
    authority: Authority, configured: Path, settings: Any, tmp_path: Path
) -> None:
    settings.VANTHU_SIGNATURE_CRL_DIR = ""
    signed = _sign(authority)
    assert signed.level == "B-T"
    assert "Không có danh sách chứng thư bị thu hồi (CRL)" in signed.note
    assert "Signature is Valid" in _pdfsig(signed.data, tmp_path)
    [check] = verify_all(signed.data)
    assert check.state == "valid" and check.level == "B-T" and check.revocation == "unknown"
    assert "Chưa kiểm tra được tình trạng thu hồi" in check.summary


def test_without_a_tsa_the_signature_is_b_b_as_before(
    authority: Authority, configured: Path, settings: Any
) -> None:
    settings.VANTHU_SIGNING_TSA_URL = ""
    signed = _sign(authority)
    assert signed.level == "B-B" and "Chưa cấu hình máy chủ dấu thời gian (TSA)" in signed.note
    assert not authority.requests
    [check] = verify_all(signed.data)
    # The CRL folder still checks the B-B signature's certificate.
    assert check.state == "valid" and check.level == "B-B" and check.revocation == "good"


def test_a_tsa_that_is_down_falls_back_to_b_b_never_fails(
    authority: Authority, configured: Path, settings: Any
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.VANTHU_SIGNING_TSA_URL = f"http://127.0.0.1:{port}/tsa"
    signed = _sign(authority)
    assert signed.level == "B-B"
    assert "Máy chủ dấu thời gian (TSA) không cấp được dấu thời gian" in signed.note
    assert verify_all(signed.data)[0].state == "valid"


def test_fetching_the_crl_over_the_network_only_when_allowed(
    authority: Authority, configured: Path, settings: Any
) -> None:
    settings.VANTHU_SIGNATURE_CRL_DIR = ""
    settings.VANTHU_SIGNATURE_FETCH_REVOCATION = True
    signed = _sign(authority)
    assert signed.level == "B-LT", signed.note
    assert "GET /crl" in authority.requests  # from the certificate's distribution point
    result = _lt_valid_from_the_file_alone(signed.data, authority.pki.root_pem)  # type: ignore[union-attr]
    assert result.ades_subindic == AdESPassed.OK, result.failure_msg

    # The isolated zone never fetches, whatever the setting says.
    authority.requests.clear()
    settings.VANTHU_SECURITY_ZONE = "isolated"
    signed = _sign(authority)
    assert signed.level == "B-T" and "GET /crl" not in authority.requests
    [check] = verify_all(_sign(authority, "revoked", long_term=LongTerm()).data)
    assert check.revocation == "unknown" and "GET /crl" not in authority.requests


def test_a_signer_revoked_before_signing_is_revoked(authority: Authority, configured: Path) -> None:
    data = _sign(authority, "revoked", long_term=LongTerm()).data  # signed elsewhere, B-B
    [check] = verify_all(data)
    assert check.state == "revoked" and check.revoked and not check.ok
    assert check.revocation == "revoked"
    assert "chứng thư số đã bị thu hồi" in check.summary and "lộ khóa bí mật" in check.summary


def test_without_a_crl_for_the_issuer_the_verdict_stands_and_says_unchecked(
    authority: Authority, configured: Path, settings: Any
) -> None:
    settings.VANTHU_SIGNATURE_CRL_DIR = ""
    [check] = verify_all(_sign(authority, "revoked", long_term=LongTerm()).data)
    assert check.state == "valid" and check.revocation == "unknown"
    assert "chưa cấu hình danh sách chứng thư bị thu hồi" in check.revocation_note
    # A CRL of another CA is no CRL for this one.
    other = Authority("CA khác")
    try:
        other.start()
        folder = Path(settings.VANTHU_EXCHANGE_TRUST_ROOTS).parent / "crl-khac"
        folder.mkdir()
        (folder / "khac.crl").write_bytes(other.crl_bytes)
        settings.VANTHU_SIGNATURE_CRL_DIR = str(folder)
        [check] = verify_all(_sign(authority, "revoked", long_term=LongTerm()).data)
        assert check.state == "valid" and check.revocation == "unknown"
        assert "không có dữ liệu thu hồi" in check.revocation_note
    finally:
        other.stop()


def test_a_certificate_revoked_after_a_timestamped_signature_keeps_it_valid(
    authority: Authority, configured: Path, tmp_path: Path, settings: Any
) -> None:
    tsa_only = LongTerm(tsa_url=f"{authority.base}/tsa")
    signed = _sign(authority, "revoked", long_term=tsa_only)
    assert signed.level == "B-T"
    time.sleep(3)  # the revocation comes after the timestamp
    later = tmp_path / "crl-sau"
    later.mkdir()
    revoked_at = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=1)
    (later / "ca.crl").write_bytes(authority.pki.crl(revoked_at=revoked_at))  # type: ignore[union-attr]
    settings.VANTHU_SIGNATURE_CRL_DIR = str(later)
    [check] = verify_all(signed.data)
    assert check.state == "valid" and check.revocation == "revoked_later", check.summary
    assert "sau thời điểm ký đã được dấu thời gian chứng minh" in check.summary
    # Without the timestamp's proof the same revocation fails the signature.
    [plain] = verify_all(_sign(authority, "revoked", long_term=LongTerm()).data)
    assert plain.state == "revoked"
    assert "không có dấu thời gian chứng minh" in plain.summary


def test_a_revoked_key_signs_nothing(authority: Authority, configured: Path) -> None:
    with pytest.raises(SigningError, match="đã bị thu hồi"):
        _sign(authority, "revoked")


def test_bad_crl_settings_are_reported_never_a_crash(
    authority: Authority, configured: Path, settings: Any, tmp_path: Path
) -> None:
    revoked = _sign(authority, "revoked", long_term=LongTerm()).data
    # A junk file and a truncated CRL next to the good one: skipped, the good one still used.
    (configured / "hong.crl").write_bytes(b"day khong phai CRL")
    (configured / "cut.der").write_bytes(authority.crl_bytes[:40])
    [check] = verify_all(revoked)
    assert check.state == "revoked"
    # Only junk: the verdict stands, unchecked, and the note names the bad files.
    (configured / "ca.crl").unlink()
    [check] = verify_all(revoked)
    assert check.state == "valid" and check.revocation == "unknown"
    assert "hong.crl" in check.revocation_note and "cut.der" in check.revocation_note
    # A folder that does not exist, or a file where the folder should be.
    for where in (tmp_path / "khong-co", configured / "hong.crl"):
        settings.VANTHU_SIGNATURE_CRL_DIR = str(where)
        [check] = verify_all(revoked)
        assert check.state == "valid" and "không tồn tại" in check.revocation_note
        signed = _sign(authority)
        assert signed.level == "B-T" and "không tồn tại" in signed.note


def test_fetching_is_refused_in_the_isolated_zone_at_startup(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "VANTHU_SECURITY_ZONE": "isolated",
        "VANTHU_SIGNATURE_FETCH_REVOCATION": "1",
        "VANTHU_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "vanthu.settings",
    }
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode != 0
    assert "VANTHU_SIGNATURE_FETCH_REVOCATION" in done.stderr and "cách ly" in done.stderr
