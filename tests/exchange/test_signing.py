"""PAdES signing and verification: pyHanko's validator and, independently, poppler's pdfsig.

The test CA, signer certificate and key are generated here at run time: nothing secret is
committed.
"""

from __future__ import annotations

import datetime
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from fpdf import FPDF

from vanthu.exchange.signing import Appearance, SigningError, sign_pdf
from vanthu.exchange.verify import verify_all, verify_pdf

PASS = "mat-khau-thu"


def _name(cn: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Vanthu test"),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def _cert(
    subject: str, key: rsa.RSAPrivateKey, issuer: str, issuer_key: rsa.RSAPrivateKey, ca: bool
) -> x509.Certificate:
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
    )
    if not ca:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


class Pki:
    def __init__(self, ca_name: str = "Vanthu Test Root CA") -> None:
        self.ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ca = _cert(ca_name, self.ca_key, ca_name, self.ca_key, ca=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.signer = _cert("Văn thư Thành ủy", key, ca_name, self.ca_key, ca=False)
        self.p12 = pkcs12.serialize_key_and_certificates(
            b"signer", key, self.signer, [self.ca],
            serialization.BestAvailableEncryption(PASS.encode()),
        )  # fmt: skip

    @property
    def root_pem(self) -> bytes:
        return self.ca.public_bytes(serialization.Encoding.PEM)


@pytest.fixture(scope="module")
def pki() -> Pki:
    return Pki()


@pytest.fixture(scope="module")
def pdf() -> bytes:
    doc = FPDF()
    doc.set_compression(False)  # so that a test can change one byte of the page text
    doc.add_page()
    doc.set_font("helvetica", size=12)
    doc.cell(text="Cong van so 15-CV/TU")
    return bytes(doc.output())


@pytest.fixture(scope="module")
def signed(pki: Pki, pdf: bytes) -> bytes:
    return sign_pdf(
        pdf, signer_p12=pki.p12, passphrase=PASS, reason="Ban hành văn bản",
        location="Thành phố Hồ Chí Minh",
    )  # fmt: skip


def _pdfsig(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "signed.pdf"
    path.write_bytes(data)
    done = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60)
    return done.stdout + done.stderr


def _tamper(data: bytes) -> bytes:
    """Change one byte inside the signed range (in the page content, before the signature)."""
    at = data.index(b"Cong van so 15")
    return data[:at] + b"D" + data[at + 1 :]


def test_signed_pdf_verifies_with_pyhanko(signed: bytes, pki: Pki) -> None:
    result = verify_pdf(signed, [pki.root_pem])
    assert result.ok and result.covers_whole_file
    assert "Văn thư Thành ủy" in result.signer
    assert any("Vanthu Test Root CA" in c for c in result.chain)
    assert result.signing_time is not None
    age = datetime.datetime.now(datetime.UTC) - result.signing_time
    assert abs(age) < datetime.timedelta(minutes=5)
    assert "hợp lệ, toàn vẹn, chứng thư tin cậy" in result.summary


def test_signature_is_pades(signed: bytes) -> None:
    assert b"/ETSI.CAdES.detached" in signed


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils is not installed")
def test_signed_pdf_verifies_with_pdfsig(signed: bytes, tmp_path: Path) -> None:
    out = _pdfsig(signed, tmp_path)
    assert "Signature is Valid" in out, out
    assert "ETSI.CAdES.detached" in out and "Văn thư Thành ủy" in out


def test_a_tampered_pdf_fails_both_checks(signed: bytes, pki: Pki, tmp_path: Path) -> None:
    tampered = _tamper(signed)
    result = verify_pdf(tampered, [pki.root_pem])
    assert not result.ok and not result.intact
    assert "bị thay đổi" in result.summary
    if shutil.which("pdfsig"):
        out = _pdfsig(tampered, tmp_path)
        assert "Signature is Valid" not in out, out
        assert "Invalid" in out or "Digest Mismatch" in out, out


def test_a_signer_outside_the_trust_roots_is_untrusted(signed: bytes) -> None:
    stranger = Pki("Stranger Root CA")
    result = verify_pdf(signed, [stranger.root_pem])
    assert result.intact and not result.trusted and not result.ok
    assert "không thuộc chuỗi tin cậy" in result.summary


def test_no_trust_roots_configured_means_untrusted(signed: bytes) -> None:
    assert not verify_pdf(signed).trusted


def test_attachment_signature_shows_number_and_time_top_right(pki: Pki, pdf: bytes) -> None:
    out = sign_pdf(
        pdf, signer_p12=pki.p12, passphrase=PASS, reason="Ký số tệp đính kèm", location="TP HCM",
        appearance=Appearance(kind="attachment", number_symbol="15-CV/TU"),
    )  # fmt: skip
    assert verify_pdf(out, [pki.root_pem]).ok
    # The widget sits in the top-right corner of the A4 first page.
    import re

    rect = re.search(rb"/Rect \[([\d. ]+)\]", out)
    assert rect is not None
    x1, y1, *_ = (float(v) for v in rect.group(1).split())
    assert x1 > 595 / 2 and y1 > 842 * 0.85


def test_a_second_signature_keeps_the_first_valid(signed: bytes, pki: Pki) -> None:
    twice = sign_pdf(
        signed, signer_p12=pki.p12, passphrase=PASS, reason="Ký số của cơ quan",
        location="TP HCM", appearance=Appearance(kind="invisible"), field_name="Org",
    )  # fmt: skip
    results = verify_all(twice, [pki.root_pem])
    assert len(results) == 2 and all(r.intact and r.trusted for r in results)
    assert not results[0].covers_whole_file and results[1].covers_whole_file


def test_bad_inputs_are_refused_clearly(pki: Pki, pdf: bytes) -> None:
    with pytest.raises(SigningError, match="PKCS#12"):
        sign_pdf(pdf, signer_p12=pki.p12, passphrase="sai", reason="x", location="y")
    with pytest.raises(SigningError, match="PDF"):
        sign_pdf(b"not a pdf", signer_p12=pki.p12, passphrase=PASS, reason="x", location="y")
    with pytest.raises(SigningError, match="số và ký hiệu"):
        sign_pdf(
            pdf, signer_p12=pki.p12, passphrase=PASS, reason="x", location="y",
            appearance=Appearance(kind="attachment"),
        )  # fmt: skip
    assert not verify_pdf(pdf).signed
    assert not verify_pdf(b"garbage").signed


def test_configured_trust_roots_are_used_when_none_are_given(
    signed: bytes, pki: Pki, tmp_path: Path, settings: object
) -> None:
    bundle = tmp_path / "roots.pem"
    bundle.write_bytes(Pki("Other Root").root_pem + pki.root_pem)
    settings.VANTHU_EXCHANGE_TRUST_ROOTS = str(bundle)  # type: ignore[attr-defined]
    assert verify_pdf(signed).ok
